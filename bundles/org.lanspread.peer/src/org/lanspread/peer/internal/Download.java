package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.TransportException;
import org.lanspread.peer.internal.swarm.ChunkPicker;
import org.lanspread.peer.internal.swarm.FetchRaces;
import org.lanspread.peer.internal.swarm.OwnOffer;
import org.lanspread.peer.internal.swarm.SwarmView;

/**
 * Fetches one version of a game from every peer that offers it (a swarm) into the game folder's staging area, checking
 * every chunk against the manifest's SHA-256 before writing it in place, then commits it (version.ini last).
 * Cancellation is checked between chunks and peer attempts; a chunk being written is always finished.
 */
final class Download {

    private static final Logger LOG = Logger.getLogger(Download.class.getName());

    /** Fetches kept in flight per peer (each is one chunk): bounds memory to this many chunk buffers per peer. */
    static final int PER_PEER_IN_FLIGHT = 4;
    /** Chunks with bad data after which a peer is dropped from the download. */
    static final int BAD_CHUNKS_TO_DROP = 3;
    /** Fetch errors in a row after which a peer is given up for this download. */
    static final int ERRORS_TO_GIVE_UP = 5;
    /**
     * For organisers and benchmarks ({@code bench/netns/chunk_trace.py}): one log line per chunk written, with the
     * time, the chunk, the peer it came from (partial or complete) and how long its fetch took.
     */
    private static final boolean TRACE_CHUNKS = Boolean.getBoolean("lanspread.trace.chunks");
    /** With no complete peer, and no partial one holding a missing chunk, this long: every holder is gone. */
    static final Duration NO_HOLDER_GRACE = Duration.ofSeconds(5);
    /** An idle fetch worker looks again after this long at the latest (a chunk arriving or coming back: at once). */
    private static final long IDLE_WAIT_MILLIS = 250;
    /** A peer counts as a source while its last chunk arrived at most this long ago. */
    private static final long SOURCE_RECENT_NANOS = Duration.ofSeconds(2).toNanos();

    /** How a download ended without an exception. */
    enum Result {
        COMPLETED, CANCELLED, ALL_PEERS_GONE
    }

    /** A download that failed; the message says why, naming the file or peer. */
    static final class DownloadException extends Exception {
        private static final long serialVersionUID = 1L;

        DownloadException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What the download did, for the outcome message and tests.
     *
     * @param fromPeers the bytes of verified chunks written from each peer
     * @param partial   the peers among them that were still downloading the version themselves
     */
    record Stats(long totalBytes, long resumedBytes, long fetchedBytes, long refetchedBytes, int peersUsed,
            Set<PeerId> dropped, String disagreement, Map<PeerId, Long> fromPeers, Set<PeerId> partial) {
        /** Bytes fetched beyond the chunks that were missing (duplicates and refetches of bad data). */
        long wastedBytes() {
            return refetchedBytes;
        }
    }

    private final String gameId;
    private final String version;
    private final Path gameFolder;
    private final PeerConnections connections;
    private final OperationState.Guard guard;
    private final TaskGroup group;
    private final BiConsumer<PeerId, String> peerDropped;
    private final DownloadSources sources;
    /** What this peer serves of the version while downloading it; null until the manifest is chosen. */
    private volatile OwnOffer own;
    private final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong refetched = new AtomicLong();
    private final FetchRaces races = new FetchRaces();
    private final Map<PeerId, PeerState> peers = new ConcurrentHashMap<>();
    private volatile boolean allPeersGone;
    private volatile Stats stats;
    /** A repair: the manifest the peers' must equal, and what puts this peer's good chunks in place; else null. */
    private GameManifest expected;
    private Seeder seeder;

    /** Puts what this peer already holds of the manifest into the staging area before anything is fetched. */
    @FunctionalInterface
    interface Seeder {
        void seed(GameManifest manifest) throws IOException;
    }

    /** Told when peers offering the version disagree about its content: what, and the peers of the other content. */
    @FunctionalInterface
    interface Disagreement {
        void reported(String message, List<PeerId> others);
    }

    /**
     * @param group a group of its own (its token is the download's cancellation)
     */
    Download(String gameId, String version, Path gameFolder, PeerDirectory directory, PeerConnections connections,
            OperationState.Guard guard, TaskGroup group, BiConsumer<PeerId, String> peerDropped,
            Disagreement disagreement) {
        this.gameId = gameId;
        this.version = version;
        this.gameFolder = gameFolder;
        this.connections = connections;
        this.guard = guard;
        this.group = group;
        this.peerDropped = peerDropped;
        this.sources = new DownloadSources(gameId, version, directory, connections, disagreement);
    }

    String gameId() {
        return gameId;
    }

    /**
     * Makes this download a repair: only the content {@code expected} describes is taken (a peer offering it is
     * preferred to the majority), and {@code seeder} stages this peer's good chunks first, so only the others are
     * fetched. Nothing is staged when no peer offers that content.
     */
    Download repairing(GameManifest expected, Seeder seeder) {
        this.expected = expected;
        this.seeder = seeder;
        sources.prefer(expected.contentHash());
        return this;
    }

    String version() {
        return version;
    }

    Stats stats() {
        return stats;
    }

    /** What this peer serves of the version while downloading it, or null before the manifest is chosen. */
    OwnOffer own() {
        return own;
    }

    /** Whether any connected peer offers the version, complete or partly (liveness asks). */
    boolean anySource() {
        return !sources.offeringPeers().isEmpty() || !sources.partialPeers().isEmpty();
    }

    /** Liveness: no peer offers this version any more. Stops the download with {@link Result#ALL_PEERS_GONE}. */
    void allPeersGone() {
        allPeersGone = true;
        group.token().cancel("every peer offering " + gameId + " " + version + " left");
    }

    private final class PeerState {
        final PeerId id;
        final AtomicInteger bad = new AtomicInteger();
        final AtomicInteger workers = new AtomicInteger();
        final AtomicInteger written = new AtomicInteger();
        final AtomicLong bytes = new AtomicLong();
        volatile boolean partial;
        volatile long lastChunkNanos;
        volatile boolean dropped;
        volatile boolean lost;

        PeerState(PeerId id) {
            this.id = id;
        }

        boolean usable() {
            return !dropped && !lost;
        }

        boolean deliveredRecently(long now) {
            return written.get() > 0 && now - lastChunkNanos < SOURCE_RECENT_NANOS;
        }
    }

    Result run() throws DownloadException, InterruptedException {
        CancelToken token = group.token();
        GameManifest manifest = sources.fetchManifest(token);
        if (manifest == null) {
            return allPeersGone || sources.offeringPeers().isEmpty() ? Result.ALL_PEERS_GONE : Result.CANCELLED;
        }
        DownloadStaging staging;
        List<ChunkPicker.Chunk> missing = new ArrayList<>();
        List<BitSet> verified;
        long resumed = 0;
        String what = "the download of " + gameId + " " + manifest.version();
        if (expected != null && !manifest.equals(expected)) {
            throw new DownloadException("no connected peer offers the content of " + gameId + " " + version
                    + " this peer has (its peers offer content " + manifest.contentHash().substring(0, 12)
                    + ", this peer's is " + expected.contentHash().substring(0, 12) + "); nothing was changed", null);
        }
        try {
            if (seeder != null) {
                seeder.seed(manifest); // moves this peer's files into the staging area, journalling the good chunks
            }
            if (!Files.isDirectory(DownloadStaging.dir(gameFolder))) { // a fresh download: refused before any write
                SpaceCheck.require(gameFolder, manifest.totalBytes(), what);
            }
            Files.createDirectories(gameFolder);
            staging = DownloadStaging.open(gameFolder, manifest);
            staging.allocate(); // sparse: the space is taken as chunks arrive
            verified = staging.verified();
            for (int f = 0; f < manifest.files().size(); f++) {
                GameManifest.ManifestFile file = manifest.files().get(f);
                for (int c = 0; c < file.chunks().size(); c++) {
                    long offset = (long) c * manifest.chunkSize();
                    int length = (int) Math.min(manifest.chunkSize(), file.size() - offset);
                    if (verified.get(f).get(c)) {
                        resumed += length;
                    } else {
                        missing.add(new ChunkPicker.Chunk(f, c, offset, length, file.chunks().get(c)));
                    }
                }
            }
            SpaceCheck.require(gameFolder, manifest.totalBytes() - resumed, what); // a resume needs the rest
        } catch (SpaceCheck.NotEnoughSpace e) {
            throw new DownloadException(e.getMessage(), e);
        } catch (IOException e) {
            throw new DownloadException("cannot prepare the download of " + gameId + " in " + gameFolder + ": "
                    + Supervisor.describe(e), e);
        }
        long total = manifest.totalBytes();
        guard.phase(guard.current().kind(), "fetching", total);
        done.set(resumed);
        guard.progress(resumed);
        ChunkPicker picker = new ChunkPicker(missing, sources.view(manifest, p -> true),
                connections.transport().localId());
        OwnOffer offer = new OwnOffer(manifest, manifest.contentHash(), verified, staging::file,
                connections.transport());
        own = offer;
        offer.start();
        TaskGroup workers = group.child("workers");
        int pass = 0;
        long holderless = 0; // since when no connected peer holds a missing chunk (0: some peer does)
        try {
            while (!picker.finished()) {
                if (writeFailure.get() != null || token.isCancelled()) {
                    break;
                }
                if (++pass % 25 == 0) { // twice a second: peers that joined meanwhile
                    sources.learnContents(token, new ArrayList<>());
                    sources.reportDisagreement();
                }
                SwarmView view = sources.view(manifest, p -> peers.get(p) == null || peers.get(p).usable());
                picker.view(view);
                offer.flush(false);
                Set<PeerId> offering = new HashSet<>(view.completePeers());
                offering.addAll(view.partialPeers());
                for (PeerId peer : offering) {
                    PeerState state = peers.computeIfAbsent(peer, PeerState::new);
                    state.partial = !view.isComplete(peer);
                    if (state.usable() && state.workers.get() == 0) {
                        for (int i = 0; i < PER_PEER_IN_FLIGHT; i++) {
                            state.workers.incrementAndGet();
                            // Interrupted when the download ends: a Cancel does not wait for chunks on the way.
                            workers.fork("fetch " + peer.shortForm() + " #" + i, true,
                                    t -> fetchLoop(state, picker, staging, manifest, t),
                                    failure -> state.workers.decrementAndGet());
                        }
                    }
                }
                if (view.completePeers().isEmpty() && !picker.anyHeld()) {
                    holderless = holderless == 0 ? System.nanoTime() : holderless;
                    if (System.nanoTime() - holderless > NO_HOLDER_GRACE.toNanos()
                            && peers.values().stream().noneMatch(p -> p.dropped)) {
                        allPeersGone = true; // nobody connected holds what is missing
                        break;
                    }
                } else {
                    holderless = 0;
                }
                long now = System.nanoTime();
                guard.peers((int) peers.values().stream().filter(p -> p.usable() && p.deliveredRecently(now))
                        .count());
                boolean anyWorking = peers.values().stream().anyMatch(p -> p.workers.get() > 0);
                if (!anyWorking) {
                    boolean anyUsable = offering.stream().anyMatch(p -> peers.get(p).usable());
                    if (offering.isEmpty() || !anyUsable && peers.values().stream().noneMatch(p -> p.dropped)) {
                        allPeersGone = true;
                        break;
                    }
                    if (!anyUsable) {
                        throw new DownloadException("every peer offering " + gameId + " " + version
                                + " sent data that failed verification and was dropped", null);
                    }
                }
                Thread.sleep(20);
            }
        } finally {
            offer.end(); // before the commit moves the files it serves from
            workers.cancel("download ending");
            if (!workers.join(Duration.ofSeconds(40))) {
                LOG.warning("fetch workers of " + gameId + " did not stop within 40 s:" + workers.stacks());
            }
            workers.release();
            own = null;
            staging.closeJournal();
            Map<PeerId, Long> from = new java.util.HashMap<>();
            peers.values().stream().filter(p -> p.bytes.get() > 0).forEach(p -> from.put(p.id, p.bytes.get()));
            stats = new Stats(total, resumed, fetched.get(), refetched.get(), from.size(),
                    peers.values().stream().filter(p -> p.dropped).map(p -> p.id).collect(
                            java.util.stream.Collectors.toSet()), sources.disagreementMessage(), Map.copyOf(from),
                    peers.values().stream().filter(p -> p.partial && p.bytes.get() > 0).map(p -> p.id).collect(
                            java.util.stream.Collectors.toSet()));
        }
        Throwable failure = writeFailure.get();
        if (failure != null) {
            throw new DownloadException(failure.getMessage(), failure);
        }
        if (!picker.finished()) {
            return allPeersGone ? Result.ALL_PEERS_GONE : Result.CANCELLED;
        }
        try {
            guard.phase(guard.current().kind(), "finishing", 0);
            staging.commit();
        } catch (IOException e) {
            throw new DownloadException("cannot move the finished download of " + gameId + " into " + gameFolder
                    + ": " + Supervisor.describe(e), e);
        }
        return Result.COMPLETED;
    }

    private void fetchLoop(PeerState peer, ChunkPicker scheduler, DownloadStaging staging, GameManifest manifest,
            CancelToken token) {
        // Direct: the chunk goes from the transport's buffers to the file without a JDK copy into a temporary
        // direct buffer on every write (what a heap buffer costs).
        ByteBuffer buffer = ByteBuffer.allocateDirect(manifest.chunkSize());
        MessageDigest sha256 = sha256();
        int errors = 0;
        while (!token.isCancelled() && peer.usable() && !scheduler.finished() && writeFailure.get() == null) {
            boolean others = peers.values().stream().anyMatch(p -> p != peer && p.usable());
            ChunkPicker.Chunk chunk;
            try {
                chunk = scheduler.nextOrWait(peer.id, others, IDLE_WAIT_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return; // the download ends
            }
            if (chunk == null) {
                continue;
            }
            buffer.clear().limit(chunk.length());
            long traceStart = System.nanoTime();
            TransportException failure = null;
            races.begin(chunk);
            try {
                PeerConnection connection = connections.get(peer.id);
                connection.fetch(new ChunkRequest(gameId, version, manifest.files().get(chunk.file()).path(),
                        chunk.offset(), chunk.length()), buffer);
                errors = 0;
            } catch (TransportException e) {
                failure = e;
            } finally {
                races.end(chunk);
            }
            // An interrupt is the download ending, or another copy of this chunk won the end game (FetchRaces): the
            // latter is no failure of this peer, and must not reach the file writes below.
            if (Thread.interrupted()) {
                if (token.isCancelled()) {
                    scheduler.release(chunk, peer.id);
                    Thread.currentThread().interrupt();
                    return;
                }
                if (failure != null && scheduler.claimed(chunk)) {
                    scheduler.release(chunk, peer.id);
                    if (TRACE_CHUNKS) {
                        LOG.info("race trace: " + gameId + " " + chunk.file() + ":" + chunk.index() + " from "
                                + peer.id.shortForm() + " stopped after " + (System.nanoTime() - traceStart) / 1_000_000
                                + " ms: another copy won");
                    }
                    continue;
                }
            }
            if (failure != null) {
                TransportException e = failure;
                scheduler.release(chunk, peer.id);
                if (peer.partial && e.reason() == TransportException.Reason.REFUSED && ++errors < ERRORS_TO_GIVE_UP) {
                    sleepQuietly(100L * errors); // a partial peer refuses what it does not hold yet: ask it later
                    continue;
                }
                if (++errors >= ERRORS_TO_GIVE_UP || e.reason() == TransportException.Reason.REFUSED) {
                    peer.lost = true;
                    LOG.info("giving up on peer " + peer.id.shortForm() + " for " + gameId + ": " + e.getMessage());
                } else {
                    sleepQuietly(100L * errors);
                }
                continue;
            }
            fetched.addAndGet(chunk.length());
            buffer.flip();
            sha256.reset();
            sha256.update(buffer.duplicate());
            if (!HexFormat.of().formatHex(sha256.digest()).equals(chunk.sha256())) {
                refetched.addAndGet(chunk.length());
                scheduler.failed(chunk, peer.id);
                int bad = peer.bad.incrementAndGet();
                if (bad >= BAD_CHUNKS_TO_DROP && !peer.dropped) {
                    peer.dropped = true;
                    String why = "peer " + peer.id.shortForm() + " sent " + bad + " chunks of " + gameId + " " + version
                            + " that failed SHA-256 verification; dropped from this download";
                    LOG.warning(why);
                    peerDropped.accept(peer.id, why);
                }
                continue;
            }
            if (!scheduler.claim(chunk, peer.id)) {
                refetched.addAndGet(chunk.length()); // another peer's copy won the end game
                continue;
            }
            races.won(chunk);
            try {
                staging.write(chunk, buffer);
            } catch (IOException e) {
                scheduler.unclaim(chunk);
                if (token.isCancelled()) {
                    return; // the interrupt that ends the download closed the file under this write: not a failure
                }
                writeFailure.compareAndSet(null, new IOException("cannot write " + manifest.files().get(chunk.file())
                        .path() + " of " + gameId + " in " + gameFolder + ": " + Supervisor.describe(e), e));
                group.token().cancel("write failed");
                return;
            }
            scheduler.done(chunk);
            if (TRACE_CHUNKS) {
                LOG.info("chunk trace: " + java.time.Instant.now() + " " + gameId + " " + chunk.file() + ":"
                        + chunk.index() + " from " + peer.id.shortForm() + (peer.partial ? " partial " : " complete ")
                        + (System.nanoTime() - traceStart) / 1_000_000 + " ms");
            }
            OwnOffer serving = own;
            if (serving != null) {
                serving.held(chunk.file(), chunk.index());
            }
            peer.lastChunkNanos = System.nanoTime();
            peer.written.incrementAndGet();
            peer.bytes.addAndGet(chunk.length());
            guard.progress(done.addAndGet(chunk.length()));
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
