package org.lanspread.peer.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.lanspread.api.transport.PeerId;

/**
 * Hands out the chunks still missing. Every peer that offers a version has all of it (peers serve complete games
 * only), so there is no rarity to weigh; faster peers are preferred by pulling: each worker takes the next chunk when
 * it is free, so a fast peer fetches more. Near the end, idle workers also take chunks still in flight at slower
 * peers (the first verified copy wins). A chunk that failed verification is refetched from another peer when there is
 * one.
 */
final class ChunkScheduler {

    /** One chunk of one file. */
    record Chunk(int file, int index, long offset, int length, String sha256) {
    }

    private final Deque<Chunk> pending = new ArrayDeque<>();
    private final Map<Chunk, Integer> inFlight = new HashMap<>();
    private final Map<Chunk, Long> inFlightSince = new HashMap<>();
    /** Who is fetching each chunk in flight: an end-game copy only ever comes from another peer. */
    private final Map<Chunk, PeerId> fetchedBy = new HashMap<>();
    /**
     * A chunk in flight this long (and three times as long as chunks take on average) is worth a second copy from an
     * idle, faster peer in the end game.
     */
    static final long END_GAME_AFTER_NANOS = 1_000_000_000L;
    private long completedNanos;
    private int completedCount;
    private final Set<Chunk> claimed = new HashSet<>();
    private final Map<Chunk, Set<PeerId>> failedBy = new HashMap<>();
    private int remaining;

    ChunkScheduler(List<Chunk> missing) {
        pending.addAll(missing);
        remaining = missing.size();
    }

    /**
     * The next chunk for {@code peer}, or null when there is nothing for it now (wait and ask again).
     *
     * @param otherPeers whether other peers are fetching too (if not, a chunk this peer failed is given back to it)
     */
    synchronized Chunk next(PeerId peer, boolean otherPeers) {
        for (Iterator<Chunk> it = pending.iterator(); it.hasNext();) {
            Chunk chunk = it.next();
            if (!otherPeers || !failedBy.getOrDefault(chunk, Set.of()).contains(peer)) {
                it.remove();
                inFlight.merge(chunk, 1, Integer::sum);
                inFlightSince.put(chunk, System.nanoTime());
                fetchedBy.put(chunk, peer);
                return chunk;
            }
        }
        if (pending.isEmpty()) { // end game: duplicate a chunk in flight elsewhere
            for (Map.Entry<Chunk, Integer> entry : inFlight.entrySet()) {
                Chunk chunk = entry.getKey();
                long average = completedCount == 0 ? END_GAME_AFTER_NANOS : completedNanos / completedCount;
                long slow = Math.max(END_GAME_AFTER_NANOS, 3 * average);
                if (entry.getValue() == 1 && !claimed.contains(chunk) && !peer.equals(fetchedBy.get(chunk))
                        && System.nanoTime() - inFlightSince.getOrDefault(chunk, Long.MAX_VALUE) > slow
                        && !failedBy.getOrDefault(chunk, Set.of()).contains(peer)) {
                    inFlight.merge(chunk, 1, Integer::sum);
                    return chunk;
                }
            }
        }
        return null;
    }

    /** The worker verified the chunk and wants to write it: true for the first copy only. */
    synchronized boolean claim(Chunk chunk) {
        Long since = inFlightSince.get(chunk);
        if (since != null && !claimed.contains(chunk)) {
            completedNanos += System.nanoTime() - since;
            completedCount++;
        }
        release(chunk, false);
        return claimed.add(chunk);
    }

    /** The claimed chunk is written and journalled. */
    synchronized void done(Chunk chunk) {
        remaining--;
        failedBy.remove(chunk);
    }

    /** The fetch failed (not the data): back to the front of the queue. */
    synchronized void release(Chunk chunk) {
        release(chunk, true);
    }

    /** The chunk's bytes did not match its hash: refetch it, from another peer if there is one. */
    synchronized void failed(Chunk chunk, PeerId peer) {
        failedBy.computeIfAbsent(chunk, c -> new HashSet<>()).add(peer);
        release(chunk, true);
    }

    private void release(Chunk chunk, boolean requeue) {
        Integer count = inFlight.get(chunk);
        if (count != null) {
            if (count <= 1) {
                inFlight.remove(chunk);
                inFlightSince.remove(chunk);
                fetchedBy.remove(chunk);
            } else {
                inFlight.put(chunk, count - 1);
            }
        }
        if (requeue && !claimed.contains(chunk) && !inFlight.containsKey(chunk) && !pending.contains(chunk)) {
            pending.addFirst(chunk);
        }
    }

    /** A claimed chunk could not be written: it is missing again. */
    synchronized void unclaim(Chunk chunk) {
        if (claimed.remove(chunk)) {
            pending.addFirst(chunk);
        }
    }

    synchronized boolean finished() {
        return remaining == 0;
    }

    synchronized int remaining() {
        return remaining;
    }
}
