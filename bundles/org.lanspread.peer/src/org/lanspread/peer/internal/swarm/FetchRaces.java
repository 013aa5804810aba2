package org.lanspread.peer.internal.swarm;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.lanspread.peer.internal.swarm.ChunkPicker.Chunk;

/**
 * The fetch workers of one download that are fetching the same chunk (two in the end game, see
 * {@link ChunkPicker}): once one copy is verified, the others' fetches are stopped, so that the peers sending them
 * spend their uplink on chunks still wanted. A fetch is stopped by interrupting its worker, and only between
 * {@link #begin} and {@link #end}: an interrupt anywhere else could close the file a worker writes.
 */
public final class FetchRaces {

    private final Map<Chunk, Set<Thread>> running = new HashMap<>();

    /** The calling worker starts fetching the chunk. */
    public synchronized void begin(Chunk chunk) {
        running.computeIfAbsent(chunk, c -> new HashSet<>(2)).add(Thread.currentThread());
    }

    /**
     * The calling worker's fetch of the chunk has ended: no interrupt from here reaches it after this. (One that came
     * before is still pending: the worker clears it.)
     */
    public synchronized void end(Chunk chunk) {
        Set<Thread> threads = running.get(chunk);
        if (threads != null) {
            threads.remove(Thread.currentThread());
            if (threads.isEmpty()) {
                running.remove(chunk);
            }
        }
    }

    /** A copy of the chunk was verified: the other fetches of it stop. */
    public synchronized void won(Chunk chunk) {
        for (Thread thread : running.getOrDefault(chunk, Set.of())) {
            if (thread != Thread.currentThread()) {
                thread.interrupt();
            }
        }
    }
}
