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

import org.lanspread.api.library.GameIds;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.TransportException;
import org.lanspread.peer.internal.integrity.ContentVote;

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
    static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

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

    /** What the download did, for the outcome message and tests. */
    record Stats(long totalBytes, long resumedBytes, long fetchedBytes, long refetchedBytes, int peersUsed,
            Set<PeerId> dropped, String disagreement) {
        /** Bytes fetched beyond the chunks that were missing (duplicates and refetches of bad data). */
        long wastedBytes() {
            return refetchedBytes;
        }
    }

    private final String gameId;
    private final String version;
    private final Path gameFolder;
    private final PeerDirectory directory;
    private final PeerConnections connections;
    private final OperationState.Guard guard;
    private final TaskGroup group;
    private final BiConsumer<PeerId, String> peerDropped;
    private final Disagreement disagreement;
    /** The content taken (see {@link ContentVote}); null until the manifest is chosen. */
    private volatile String content;
    /** Content hashes of peers that do not announce one (protocol 1.0), from the manifest each sent; "" if none. */
    private final Map<PeerId, String> computed = new ConcurrentHashMap<>();
    /** Peers already reported as offering another content. */
    private final Set<PeerId> reported = ConcurrentHashMap.newKeySet();
    private volatile String disagreementMessage;
    private final AtomicReference<Throwable> writeFailure = new AtomicReference<>();
    private final AtomicLong done = new AtomicLong();
    private final AtomicLong fetched = new AtomicLong();
    private final AtomicLong refetched = new AtomicLong();
    private final Map<PeerId, PeerState> peers = new ConcurrentHashMap<>();
    private volatile boolean allPeersGone;
    private volatile Stats stats;

    /**
     * @param group a group of its own (its token is the download's cancellation)
     */
    /** Told when peers offering the version disagree about its content: what, and the peers of the other content. */
    @FunctionalInterface
    interface Disagreement {
        void reported(String message, List<PeerId> others);
    }

    Download(String gameId, String version, Path gameFolder, PeerDirectory directory, PeerConnections connections,
            OperationState.Guard guard, TaskGroup group, BiConsumer<PeerId, String> peerDropped,
            Disagreement disagreement) {
        this.gameId = gameId;
        this.version = version;
        this.gameFolder = gameFolder;
        this.directory = directory;
        this.connections = connections;
        this.guard = guard;
        this.group = group;
        this.peerDropped = peerDropped;
        this.disagreement = disagreement;
    }

    String gameId() {
        return gameId;
    }

    String version() {
        return version;
    }

    Stats stats() {
        return stats;
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
        volatile boolean dropped;
        volatile boolean lost;

        PeerState(PeerId id) {
            this.id = id;
        }

        boolean usable() {
            return !dropped && !lost;
        }
    }

    /** What each connected peer offers of this version: its content hash, announced or computed, or null. */
    private Map<PeerId, ContentVote.Offer> offers() {
        Map<PeerId, ContentVote.Offer> result = new java.util.LinkedHashMap<>();
        directory.offering(gameId).forEach((peer, game) -> {
            if (game.version().equals(version)) {
                String known = game.content() != null ? game.content() : computed.get(peer);
                result.put(peer, new ContentVote.Offer(known == null || known.isEmpty() ? null : known,
                        game.content() != null));
            }
        });
        return result;
    }

    /** The peers to fetch from: those offering the version, and once the content is chosen, that content. */
    private Set<PeerId> offeringPeers() {
        Set<PeerId> result = new HashSet<>();
        String taken = content;
        offers().forEach((peer, offer) -> {
            if (taken == null || taken.equals(offer.content())) {
                result.add(peer);
            }
        });
        return result;
    }

    /**
     * Reads the manifest of every offering peer that announces no content hash and was not read yet, to learn its
     * content; returns those manifests by content hash.
     */
    private Map<String, GameManifest> learnContents(CancelToken token, List<String> problems) {
        Map<String, GameManifest> manifests = new java.util.HashMap<>();
        offers().forEach((peer, offer) -> {
            if (offer.content() != null || computed.containsKey(peer) || token.isCancelled()) {
                return;
            }
            try {
                GameManifest manifest = connections.get(peer).manifest(gameId);
                String problem = problem(manifest);
                if (problem == null) {
                    computed.put(peer, manifest.contentHash());
                    manifests.putIfAbsent(manifest.contentHash(), manifest);
                } else {
                    computed.put(peer, "");
                    problems.add("peer " + peer.shortForm() + ": " + problem);
                }
            } catch (TransportException e) {
                problems.add("peer " + peer.shortForm() + ": " + e.getMessage()); // asked again on the next pass
            }
        });
        return manifests;
    }

    /** Reports peers offering another content than the one taken, each once. */
    private void reportDisagreement() {
        String taken = content;
        if (taken == null) {
            return;
        }
        ContentVote.Choice choice = ContentVote.choose(offers());
        if (!taken.equals(choice.content()) && choice.groups().containsKey(taken)) {
            // the majority moved while downloading: this download keeps the content it took, never mixing
            choice = new ContentVote.Choice(taken, choice.groups());
        }
        List<PeerId> fresh = choice.others().stream().filter(reported::add).toList();
        if (!fresh.isEmpty()) {
            String message = choice.describe(gameId, version, directory::describe);
            disagreementMessage = message;
            LOG.warning(message);
            disagreement.reported(message, fresh);
        }
    }

    Result run() throws DownloadException, InterruptedException {
        CancelToken token = group.token();
        GameManifest manifest = fetchManifest(token);
        if (manifest == null) {
            return allPeersGone || offeringPeers().isEmpty() ? Result.ALL_PEERS_GONE : Result.CANCELLED;
        }
        DownloadStaging staging;
        List<ChunkScheduler.Chunk> missing = new ArrayList<>();
        long resumed = 0;
        try {
            Files.createDirectories(gameFolder);
            staging = DownloadStaging.open(gameFolder, manifest);
            staging.allocate();
            List<BitSet> verified = staging.verified();
            for (int f = 0; f < manifest.files().size(); f++) {
                GameManifest.ManifestFile file = manifest.files().get(f);
                for (int c = 0; c < file.chunks().size(); c++) {
                    long offset = (long) c * manifest.chunkSize();
                    int length = (int) Math.min(manifest.chunkSize(), file.size() - offset);
                    if (verified.get(f).get(c)) {
                        resumed += length;
                    } else {
                        missing.add(new ChunkScheduler.Chunk(f, c, offset, length, file.chunks().get(c)));
                    }
                }
            }
        } catch (IOException e) {
            throw new DownloadException("cannot prepare the download of " + gameId + " in " + gameFolder + ": "
                    + Supervisor.describe(e), e);
        }
        long total = manifest.totalBytes();
        guard.phase(guard.current().kind(), "fetching", total);
        done.set(resumed);
        guard.progress(resumed);
        ChunkScheduler scheduler = new ChunkScheduler(missing);
        TaskGroup workers = group.child("workers");
        int pass = 0;
        try {
            while (!scheduler.finished()) {
                if (writeFailure.get() != null || token.isCancelled()) {
                    break;
                }
                if (++pass % 25 == 0) { // twice a second: peers that joined meanwhile
                    learnContents(token, new ArrayList<>());
                    reportDisagreement();
                }
                Set<PeerId> offering = offeringPeers();
                for (PeerId peer : offering) {
                    PeerState state = peers.computeIfAbsent(peer, PeerState::new);
                    if (state.usable() && state.workers.get() == 0) {
                        for (int i = 0; i < PER_PEER_IN_FLIGHT; i++) {
                            state.workers.incrementAndGet();
                            // Interrupted when the download ends: a Cancel does not wait for chunks on the way.
                            workers.fork("fetch " + peer.shortForm() + " #" + i, true,
                                    t -> fetchLoop(state, scheduler, staging, manifest, t),
                                    failure -> state.workers.decrementAndGet());
                        }
                    }
                }
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
            workers.cancel("download ending");
            if (!workers.join(Duration.ofSeconds(40))) {
                LOG.warning("fetch workers of " + gameId + " did not stop within 40 s:" + workers.stacks());
            }
            workers.release();
            staging.closeJournal();
            stats = new Stats(total, resumed, fetched.get(), refetched.get(),
                    (int) peers.values().stream().filter(p -> p.written.get() > 0).count(),
                    peers.values().stream().filter(p -> p.dropped).map(p -> p.id).collect(
                            java.util.stream.Collectors.toSet()), disagreementMessage);
        }
        Throwable failure = writeFailure.get();
        if (failure != null) {
            throw new DownloadException(failure.getMessage(), failure);
        }
        if (!scheduler.finished()) {
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

    /**
     * The manifest of the content taken (see {@link ContentVote}), from a peer that holds it and whose manifest hashes to
     * it; null when cancelled or nobody offers the version any more.
     */
    private GameManifest fetchManifest(CancelToken token) throws DownloadException, InterruptedException {
        List<String> problems = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && !token.isCancelled(); attempt++) {
            if (offers().isEmpty()) {
                return null;
            }
            Map<String, GameManifest> learned = learnContents(token, problems);
            ContentVote.Choice choice = ContentVote.choose(offers());
            if (choice.content() != null) {
                content = choice.content();
                reportDisagreement();
                GameManifest known = learned.get(content);
                if (known != null) {
                    return known;
                }
                for (PeerId peer : choice.groups().get(content)) {
                    if (token.isCancelled()) {
                        return null;
                    }
                    try {
                        GameManifest manifest = connections.get(peer).manifest(gameId);
                        String problem = problem(manifest);
                        if (problem == null && !manifest.contentHash().equals(content)) {
                            problem = "its manifest hashes to content " + manifest.contentHash().substring(0, 12)
                                    + ", not the " + content.substring(0, 12) + " it announces";
                        }
                        if (problem == null) {
                            return manifest;
                        }
                        problems.add("peer " + peer.shortForm() + ": " + problem);
                    } catch (TransportException e) {
                        problems.add("peer " + peer.shortForm() + ": " + e.getMessage());
                    }
                }
            }
            Thread.sleep(500);
        }
        if (token.isCancelled()) {
            return null;
        }
        throw new DownloadException("no peer gave a usable manifest of " + gameId + " " + version + ": "
                + String.join("; ", problems), null);
    }

    /** What is wrong with a manifest a peer sent, or null. */
    String problem(GameManifest manifest) {
        if (!gameId.equals(manifest.gameId()) || !version.equals(manifest.version())) {
            return "the manifest is for " + manifest.gameId() + " " + manifest.version();
        }
        if (manifest.chunkSize() <= 0 || manifest.chunkSize() > MAX_CHUNK_SIZE) {
            return "chunk size " + manifest.chunkSize() + " is out of range";
        }
        boolean versionIni = false;
        Set<String> seen = new HashSet<>();
        for (GameManifest.ManifestFile file : manifest.files()) {
            String path = file.path();
            if (path == null || path.startsWith(".") || path.equals("local") || !GameIds.isValid(path)
                    || !seen.add(path)) {
                return "'" + path + "' is not a plain file name of a game folder";
            }
            long expected = (file.size() + manifest.chunkSize() - 1) / manifest.chunkSize();
            if (file.size() < 0 || file.chunks().size() != expected
                    || file.chunks().stream().anyMatch(h -> h == null || !h.matches("[0-9a-f]{64}"))) {
                return "'" + path + "' has " + file.chunks().size() + " chunk hashes for " + file.size() + " bytes";
            }
            versionIni |= path.equals(DownloadStaging.VERSION_INI);
        }
        return versionIni ? null : "it lists no version.ini";
    }

    private void fetchLoop(PeerState peer, ChunkScheduler scheduler, DownloadStaging staging, GameManifest manifest,
            CancelToken token) {
        // Direct: the chunk goes from the transport's buffers to the file without a JDK copy into a temporary
        // direct buffer on every write (what a heap buffer costs).
        ByteBuffer buffer = ByteBuffer.allocateDirect(manifest.chunkSize());
        MessageDigest sha256 = sha256();
        int errors = 0;
        while (!token.isCancelled() && peer.usable() && !scheduler.finished() && writeFailure.get() == null) {
            boolean others = peers.values().stream().anyMatch(p -> p != peer && p.usable());
            ChunkScheduler.Chunk chunk = scheduler.next(peer.id, others);
            if (chunk == null) {
                sleepQuietly(20);
                continue;
            }
            buffer.clear().limit(chunk.length());
            try {
                PeerConnection connection = connections.get(peer.id);
                connection.fetch(new ChunkRequest(gameId, version, manifest.files().get(chunk.file()).path(),
                        chunk.offset(), chunk.length()), buffer);
                errors = 0;
            } catch (TransportException e) {
                scheduler.release(chunk);
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
            if (!scheduler.claim(chunk)) {
                refetched.addAndGet(chunk.length()); // another peer's copy won the end game
                continue;
            }
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
            peer.written.incrementAndGet();
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
