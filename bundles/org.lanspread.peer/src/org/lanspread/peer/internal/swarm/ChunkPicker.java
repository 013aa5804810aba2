package org.lanspread.peer.internal.swarm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import org.lanspread.api.transport.PeerId;

/**
 * Hands out the chunks still missing, to the peers that hold them: rarest first (fewest holders in the current
 * {@link SwarmView}, at random among equals), and a peer holding the complete version is given first the chunks that
 * no partial peer holds yet, so that the original seed sends each chunk about once while the downloaders spread it.
 * Downloaders that start together share out what they ask a complete peer for without a word between them: each
 * takes its own stripe of the chunks first (this peer's rank among the downloaders in the view), in an order of its
 * own, and then the others' stripes from their far end (see {@link Stripes}), so two of them rarely fetch the same
 * chunk from the seed at once: each chunk of a stripe has one helper among the others, who takes it while the owner
 * has at least {@link #HELP_BEHIND} to fetch before it; the rest only once the owner has been slow for a while, one
 * helper after the other. What a downloader has of its own stripe is taken from it, and the seed sends chunks
 * nobody has.
 * Faster peers are preferred by pulling: each worker takes the next chunk when it is free. At the end, when every
 * missing chunk is on its way, a peer this one fetches nothing from is asked for a second copy of a slow one (the
 * first verified copy wins; see {@link #endGame}). A chunk that failed verification is refetched from another peer
 * when there is one.
 */
public final class ChunkPicker {

    /** One chunk of one file. */
    public record Chunk(int file, int index, long offset, int length, String sha256) {
    }

    /** At most this many pending chunks are weighed for one pick (from a random place): a pick stays cheap. */
    static final int WINDOW = 1024;
    /**
     * Chunks in flight from one complete peer while partial peers share the swarm: a seed's uplink is shared by every
     * downloader, and chunks waiting long in its queue are the ones two downloaders end up both fetching from it.
     */
    static final int COMPLETE_IN_FLIGHT_WITH_PARTIALS = 1;
    /**
     * Chunks in flight for the whole download, at least: with many peers, four each would put every missing chunk in
     * flight early, each one slow (a downloader's uplink shared by all the others), and the end game would then fetch
     * many of them twice. Four per complete peer when that is more.
     */
    static final int MIN_IN_FLIGHT = 8;
    static final int PER_COMPLETE_PEER_IN_FLIGHT = 4;

    private final List<Chunk> pending = new ArrayList<>();
    private final java.util.Random random = new java.util.Random();
    private volatile SwarmView view;
    /** Who is fetching each chunk in flight (one peer per fetch; two fetches of a chunk in the end game). */
    private final Map<Chunk, List<PeerId>> fetching = new HashMap<>();
    /** When the latest fetch of each chunk in flight began. */
    private final Map<Chunk, Long> inFlightSince = new HashMap<>();
    /**
     * A chunk in flight this long is worth a second copy in the end game, from a peer this one fetches nothing else
     * from (see {@link #endGame}).
     */
    static final long END_GAME_AFTER_NANOS = 1_000_000_000L;
    /**
     * A downloader done with its own stripe helps with the others' at once, each chunk of a stripe having one helper
     * (see {@link Stripes#helper}): from the owner's far end, while at least this many of the stripe's chunks come
     * before it in the owner's order (the one the owner is fetching and the next), so the seed's uplink stays busy
     * with chunks nobody has until the last of them: otherwise the owner of the longest stripe fetched its last
     * chunks one at a time, each slow (a downloader's downlink is shared by all it fetches), with the seed idle.
     */
    static final int HELP_BEHIND = 2;
    /**
     * Any chunk of another's stripe may be asked of the seed after waiting this long (see patienceOver): an owner
     * stalled or gone.
     */
    static final long HELP_AFTER_NANOS = 15_000_000_000L;
    /** Since when this peer has had only other stripes' chunks to ask a complete peer for; 0: not so. */
    private long helperSince;
    /** {@link #HELP_AFTER_NANOS}; shorter in tests. */
    long helpAfterNanos = HELP_AFTER_NANOS;
    /** The least time between two helpers (see patienceOver): the time a chunk takes, when that is longer. */
    long helpStepNanos = 1_000_000_000L;
    private long completedNanos;
    private int completedCount;
    private final Set<Chunk> claimed = new HashSet<>();
    private final Map<Chunk, Set<PeerId>> failedBy = new HashMap<>();
    private int remaining;
    /** This peer, for its stripe of what complete peers send; null: no stripes. */
    private final PeerId self;

    public ChunkPicker(List<Chunk> missing, SwarmView view) {
        this(missing, view, null);
    }

    /** @param self this peer: its stripe is asked of complete peers first (see the class comment) */
    public ChunkPicker(List<Chunk> missing, SwarmView view, PeerId self) {
        pending.addAll(missing);
        remaining = missing.size();
        this.view = view;
        this.self = self;
    }

    /** Who holds what now. */
    public void view(SwarmView next) {
        view = next;
    }

    public SwarmView view() {
        return view;
    }

    /**
     * The next chunk for {@code peer}, or null when there is nothing for it now (wait and ask again).
     *
     * @param otherPeers whether other peers are fetching too (if not, a chunk this peer failed is given back to it)
     */
    public synchronized Chunk next(PeerId peer, boolean otherPeers) {
        SwarmView now = view;
        boolean complete = now.isComplete(peer);
        int busy = fetchesFrom(peer);
        if (complete && !now.partialPeers().isEmpty() && busy >= COMPLETE_IN_FLIGHT_WITH_PARTIALS) {
            return null;
        }
        if (pending.isEmpty()) {
            return endGame(peer, now, busy);
        }
        if (fetching.size() >= Math.max(MIN_IN_FLIGHT, PER_COMPLETE_PEER_IN_FLIGHT * now.completePeers().size())) {
            return null; // enough on the way: the next pick waits for one to arrive
        }
        int size = pending.size();
        int start = size <= WINDOW ? 0 : random.nextInt(size);
        Stripes stripes = complete ? Stripes.of(self, now.partialPeers()) : Stripes.NONE;
        int best = -1;
        long bestKey = Long.MAX_VALUE;
        boolean waitedForOwner = false;
        Map<Chunk, Integer> ahead = null; // (computed once needed)
        for (int n = 0; n < Math.min(size, WINDOW); n++) {
            int i = (start + n) % size;
            Chunk chunk = pending.get(i);
            if (!now.holds(peer, chunk.file(), chunk.index())
                    || otherPeers && failedBy.getOrDefault(chunk, Set.of()).contains(peer)) {
                continue;
            }
            // A complete peer: chunks no partial peer holds first, then the rarest, then this peer's stripe before
            // the others'. Otherwise the rarest, random among equals.
            long holders = now.holders(chunk.file(), chunk.index());
            if (complete && !stripes.owns(chunk) && now.partialHolders(chunk.file(), chunk.index()) == 0
                    && !patienceOver(stripes.distance(chunk))) {
                if (stripes.helper(chunk) != stripes.distance(chunk)) {
                    waitedForOwner = true;
                    continue; // its stripe's owner (or its helper) fetches it from the seed: take it from them
                }
                ahead = ahead != null ? ahead : aheadInOwnersOrder(now, stripes);
                if (ahead.getOrDefault(chunk, 0) < HELP_BEHIND) {
                    waitedForOwner = true;
                    continue; // the owner is about to fetch it itself
                }
            }
            long key = complete
                    ? (now.partialHolders(chunk.file(), chunk.index()) > 0 ? 1L << 55 : 0) + (Math.min(holders,
                            (1 << 20) - 1) << 32) + stripes.order(chunk)
                    : (holders << 20) + random.nextInt(1 << 20);
            if (key < bestKey) {
                bestKey = key;
                best = i;
            }
        }
        if (complete) {
            if (best >= 0 && waitedForOwner
                    && now.partialHolders(pending.get(best).file(), pending.get(best).index()) > 0) {
                best = -1; // a second copy of what a downloader holds, while others still wait for a first one
            }
            if (best >= 0 && stripes.owns(pending.get(best))) {
                helperSince = 0; // (stripes change when downloaders finish or leave)
            } else if (best < 0 && waitedForOwner && helperSince == 0) {
                helperSince = System.nanoTime();
            }
        }
        if (best >= 0) {
            Chunk chunk = pending.get(best);
            pending.set(best, pending.get(size - 1));
            pending.remove(size - 1);
            start(chunk, peer);
            return chunk;
        }
        return null;
    }

    /**
     * For each pending chunk of another downloader's stripe that no partial peer holds yet: how many of those come
     * before it in the owner's order (0: the one the owner is fetching from the seed now, as far as this peer can
     * tell).
     */
    private Map<Chunk, Integer> aheadInOwnersOrder(SwarmView now, Stripes stripes) {
        Map<Integer, List<Chunk>> byOwner = new HashMap<>();
        for (Chunk chunk : pending) {
            if (!stripes.owns(chunk) && now.partialHolders(chunk.file(), chunk.index()) == 0) {
                byOwner.computeIfAbsent(stripes.distance(chunk), d -> new ArrayList<>()).add(chunk);
            }
        }
        Map<Chunk, Integer> ahead = new HashMap<>();
        for (List<Chunk> chunks : byOwner.values()) {
            chunks.sort(Comparator.comparingLong(stripes::order)); // the owner's far end first
            for (int i = 0; i < chunks.size(); i++) {
                ahead.put(chunks.get(i), chunks.size() - 1 - i);
            }
        }
        return ahead;
    }

    /**
     * Nothing is pending, only chunks in flight: a peer this one fetches nothing from is asked for a second copy of
     * the chunk in flight that began last (the one its peer will send last: a peer sends a connection's chunks in
     * the order they were asked for), once that has taken {@link #END_GAME_AFTER_NANOS}. The first verified copy wins and the other fetch is
     * stopped ({@link FetchRaces}). At the end of a party the last chunks are held by a few downloaders, each asked by
     * all the others at once and so slow for each; meanwhile the first to get one could serve it at once, and
     * without this nobody asks it. A complete peer is not asked while partial peers share the swarm: a seed's
     * uplink is for the chunks it sends once.
     */
    private Chunk endGame(PeerId peer, SwarmView now, int busy) {
        if (busy > 0 || now.isComplete(peer) && !now.partialPeers().isEmpty()) {
            return null;
        }
        Chunk best = null;
        long bestSince = Long.MIN_VALUE;
        long before = System.nanoTime() - END_GAME_AFTER_NANOS;
        for (Map.Entry<Chunk, List<PeerId>> entry : fetching.entrySet()) {
            Chunk chunk = entry.getKey();
            long since = inFlightSince.getOrDefault(chunk, Long.MAX_VALUE);
            if (entry.getValue().size() == 1 && !claimed.contains(chunk) && since < before && since > bestSince
                    && now.holds(peer, chunk.file(), chunk.index())
                    && !failedBy.getOrDefault(chunk, Set.of()).contains(peer)) {
                best = chunk;
                bestSince = since;
            }
        }
        if (best != null) {
            start(best, peer);
        }
        return best;
    }

    private void start(Chunk chunk, PeerId peer) {
        fetching.computeIfAbsent(chunk, c -> new ArrayList<>(2)).add(peer);
        inFlightSince.put(chunk, System.nanoTime());
    }

    /** How many fetches of this download are in flight from the peer. */
    private int fetchesFrom(PeerId peer) {
        int count = 0;
        for (List<PeerId> peers : fetching.values()) {
            for (PeerId p : peers) {
                count += p.equals(peer) ? 1 : 0;
            }
        }
        return count;
    }

    /**
     * Whether this peer may ask a complete peer for any chunk of another downloader's stripe that no partial peer
     * holds yet, not only those it is the helper of (see {@link #HELP_BEHIND}). Not at first: that downloader is
     * about to fetch it from the seed (or fetching it: a fetch nobody else sees), and a second copy from the seed
     * would take the seed's uplink from a chunk nobody has. Only once this peer has had nothing to ask the seed for
     * during {@link #HELP_AFTER_NANOS} (or three times as long as chunks take): an owner slow or stalled. Helpers
     * come one after the other, a chunk's time apart, in the order of their stripes after the owner's
     * ({@code distance}), so that the first helper's copy is verified (and then taken from it) before the next one
     * would ask the seed.
     */
    private boolean patienceOver(int distance) {
        long average = completedCount == 0 ? 0 : completedNanos / completedCount;
        long patience = Math.max(helpAfterNanos, 3 * average)
                + (distance - 1) * Math.max(helpStepNanos, average);
        return helperSince != 0 && System.nanoTime() - helperSince > patience;
    }

    /**
     * The next chunk for {@code peer}; when there is none now, waits once until a chunk in flight arrives, fails or
     * comes back, or {@code millis} pass, and asks again: null if there is still none. An idle worker so sleeps
     * without polling, and the peers' new holdings (told a few times a second) are looked at within {@code millis}.
     */
    public synchronized Chunk nextOrWait(PeerId peer, boolean otherPeers, long millis) throws InterruptedException {
        Chunk chunk = next(peer, otherPeers);
        if (chunk == null && remaining > 0) {
            wait(millis);
            chunk = next(peer, otherPeers);
        }
        return chunk;
    }

    /** The worker of {@code peer} verified the chunk and wants to write it: true for the first copy only. */
    public synchronized boolean claim(Chunk chunk, PeerId peer) {
        Long since = inFlightSince.get(chunk);
        if (since != null && !claimed.contains(chunk)) {
            completedNanos += System.nanoTime() - since;
            completedCount++;
        }
        release(chunk, peer, false);
        return claimed.add(chunk);
    }

    /** Whether a copy of the chunk was verified and claimed (or written) already. */
    public synchronized boolean claimed(Chunk chunk) {
        return claimed.contains(chunk);
    }

    /** The claimed chunk is written and journalled. */
    public synchronized void done(Chunk chunk) {
        remaining--;
        if (remaining == 0) {
            notifyAll(); // finished: the waiting workers end
        }
        failedBy.remove(chunk);
    }

    /** The fetch from {@code peer} failed (not the data), or lost the end game: pending again unless in flight. */
    public synchronized void release(Chunk chunk, PeerId peer) {
        release(chunk, peer, true);
    }

    /** The chunk's bytes did not match its hash: refetch it, from another peer if there is one. */
    public synchronized void failed(Chunk chunk, PeerId peer) {
        failedBy.computeIfAbsent(chunk, c -> new HashSet<>()).add(peer);
        release(chunk, peer, true);
    }

    private void release(Chunk chunk, PeerId peer, boolean requeue) {
        notifyAll(); // a place in flight is free, or the chunk is pending again: idle workers look
        List<PeerId> peers = fetching.get(chunk);
        if (peers != null) {
            peers.remove(peer);
            if (peers.isEmpty()) {
                fetching.remove(chunk);
                inFlightSince.remove(chunk);
            }
        }
        if (requeue && !claimed.contains(chunk) && !fetching.containsKey(chunk) && !pending.contains(chunk)) {
            pending.add(chunk);
        }
    }

    /** A claimed chunk could not be written: it is missing again. */
    public synchronized void unclaim(Chunk chunk) {
        if (claimed.remove(chunk)) {
            pending.add(chunk);
            notifyAll();
        }
    }

    /**
     * Whether some peer of the view holds a chunk still missing (or one is being written): false means nobody
     * connected can give what is missing.
     */
    public synchronized boolean anyHeld() {
        SwarmView now = view;
        if (!now.completePeers().isEmpty() || pending.isEmpty() && fetching.isEmpty()) {
            return true;
        }
        for (Chunk chunk : pending) {
            if (now.holders(chunk.file(), chunk.index()) > 0) {
                return true;
            }
        }
        return !fetching.isEmpty();
    }

    public synchronized boolean finished() {
        return remaining == 0;
    }

    public synchronized int remaining() {
        return remaining;
    }

    /**
     * How downloaders share out what a complete peer sends, without a word between them: stripe {@code rank} of
     * {@code count} (this peer's place among the downloaders in the view, by id), every chunk in one stripe. Each goes
     * through its own stripe in an order of its own (its score on each chunk, a hash of its id and the chunk, highest
     * first), so that downloaders that do not know each other yet (their partial offers still on their way, as when
     * all start at once) and so count and rank differently ask the seed for the same first chunk only by chance;
     * in ascending order, the first picks of any two that knew different numbers of others were the same low chunks.
     * Helpers take another's stripe from its owner's far end (the owner's lowest scores first).
     */
    static final class Stripes {
        static final Stripes NONE = new Stripes(0, new long[] {0}, false);

        private final int rank;
        /** Every downloader's key (this peer's too), in the order of their ids: index = rank. */
        private final long[] keys;
        private final boolean on;

        private Stripes(int rank, long[] keys, boolean on) {
            this.rank = rank;
            this.keys = keys;
            this.on = on;
        }

        static Stripes of(PeerId self, Collection<PeerId> downloaders) {
            if (self == null) {
                return NONE;
            }
            List<PeerId> all = new ArrayList<>(downloaders.stream().filter(p -> !p.equals(self)).toList());
            all.add(self);
            all.sort(Comparator.comparing(PeerId::hex));
            return new Stripes(all.indexOf(self), all.stream().mapToLong(Stripes::key).toArray(), true);
        }

        /** Whether the chunk is in this peer's stripe (every chunk when the stripes are off). */
        boolean owns(Chunk chunk) {
            return distance(chunk) == 0;
        }

        /**
         * The distance (see {@link #distance}) of the downloader that helps the chunk's owner with it: one of the
         * others, by a hash of the owner's and the chunk's, so that each of the owner's chunks has one helper and the
         * helpers never ask the seed for the same chunk (0 with no other downloader).
         */
        int helper(Chunk chunk) {
            if (keys.length < 2) {
                return 0;
            }
            return 1 + (int) ((score(keys[owner(chunk)], chunk) & 0x7fffffffL) % (keys.length - 1));
        }

        /** How many stripes after the chunk's own stripe this peer's comes (0: its own; 0 when the stripes are off). */
        int distance(Chunk chunk) {
            return Math.floorMod(rank - owner(chunk), keys.length);
        }

        private int owner(Chunk chunk) {
            return Math.floorMod(31 * chunk.file() + chunk.index(), keys.length);
        }

        /**
         * A chunk's place in this peer's order, smaller first (below 2^32): its own stripe by its score, highest
         * first, then the others' stripes by their owners' scores, lowest first (the owners start from the other
         * end). Random when the stripes are off (no peer id).
         */
        long order(Chunk chunk) {
            if (!on) {
                return ThreadLocalRandom.current().nextLong(1L << 31);
            }
            int owner = owner(chunk);
            long score = score(keys[owner], chunk) >>> 33;
            return owner == rank ? (1L << 31) - 1 - score : (1L << 31) + score;
        }

        /** A peer's key: the first 64 bits of its id (a hash of its certificate; a PeerId is 64 hex digits). */
        static long key(PeerId peer) {
            return Long.parseUnsignedLong(peer.hex().substring(0, 16), 16);
        }

        /** A peer's score on a chunk: a well-mixed hash of both (SplitMix64's finalizer). */
        static long score(long peer, Chunk chunk) {
            long z = peer ^ (((long) chunk.file() << 32 | chunk.index() & 0xffffffffL) * 0x9E3779B97F4A7C15L);
            z = (z ^ z >>> 30) * 0xBF58476D1CE4E5B9L;
            z = (z ^ z >>> 27) * 0x94D049BB133111EBL;
            return z ^ z >>> 31;
        }
    }
}
