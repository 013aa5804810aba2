package org.lanspread.peer.internal;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.runtime.OperationRefusedException;

/**
 * The active operations, one per game at most: the single source of truth for "something is running on this game".
 * An operation is held through a {@link Guard}, whose {@link Guard#close()} clears it on every exit path (success,
 * error, cancellation, a crash of the task): use it in try-with-resources inside the operation's task.
 */
final class OperationState {

    /** Told after every change (start, progress, end): publish a snapshot. */
    @FunctionalInterface
    interface Listener {
        void operationsChanged(boolean progressOnly);
    }

    private final Map<String, Entry> active = new ConcurrentHashMap<>();
    private final Listener listener;

    OperationState(Listener listener) {
        this.listener = listener;
    }

    private static final class Entry {
        volatile ActiveOperation operation;
        final CancelToken token;
        final RateMeter rate = new RateMeter();

        Entry(ActiveOperation operation, CancelToken token) {
            this.operation = operation;
            this.token = token;
        }
    }

    /**
     * Marks {@code gameId} busy.
     *
     * @throws OperationRefusedException when an operation is already active on the game
     */
    Guard begin(String gameId, OperationKind kind, String phase, CancelToken token) throws OperationRefusedException {
        Entry entry = new Entry(new ActiveOperation(gameId, kind, phase, 0, 0, 0, Instant.now()), token);
        Entry previous = active.putIfAbsent(gameId, entry);
        if (previous != null) {
            throw new OperationRefusedException("'" + gameId + "' is busy: " + describe(previous.operation)
                    + " is already running");
        }
        listener.operationsChanged(false);
        return new Guard(gameId, entry);
    }

    static String describe(ActiveOperation operation) {
        return "a " + operation.kind().name().toLowerCase() + " (" + operation.phase() + ")";
    }

    List<ActiveOperation> snapshot() {
        return active.values().stream().map(e -> e.operation).sorted(Comparator.comparing(ActiveOperation::gameId))
                .toList();
    }

    boolean isActive(String gameId) {
        return active.containsKey(gameId);
    }

    boolean anyActive() {
        return !active.isEmpty();
    }

    /** Cancels the game's operation; false when none is active. */
    boolean cancel(String gameId, String why) {
        Entry entry = active.get(gameId);
        if (entry == null) {
            return false;
        }
        entry.token.cancel(why);
        return true;
    }

    void cancelAll(String why) {
        active.values().forEach(e -> e.token.cancel(why));
    }

    /** Holds one game's operation; closing it (exactly once takes effect) clears the game's tracking. */
    final class Guard implements AutoCloseable {
        private final String gameId;
        private final Entry entry;
        private boolean closed;

        private Guard(String gameId, Entry entry) {
            this.gameId = gameId;
            this.entry = entry;
        }

        String gameId() {
            return gameId;
        }

        /** Moves to another phase (and kind: an install that downloads first shows as a download until unpacking). */
        void phase(OperationKind kind, String phase, long bytesTotal) {
            ActiveOperation o = entry.operation;
            entry.rate.reset();
            entry.operation = new ActiveOperation(gameId, kind, phase, 0, bytesTotal, 0, o.startedAt());
            listener.operationsChanged(false);
        }

        void progress(long bytesDone) {
            progress(bytesDone, entry.operation.bytesTotal());
        }

        void progress(long bytesDone, long bytesTotal) {
            ActiveOperation o = entry.operation;
            long rate = entry.rate.update(bytesDone);
            entry.operation = new ActiveOperation(gameId, o.kind(), o.phase(), bytesDone, bytesTotal, rate,
                    o.startedAt(), o.peers());
            listener.operationsChanged(true);
        }

        /** How many peers a download fetches from now; published only when it changes. */
        void peers(int peers) {
            ActiveOperation o = entry.operation;
            if (o.peers() != peers) {
                entry.operation = new ActiveOperation(gameId, o.kind(), o.phase(), o.bytesDone(), o.bytesTotal(),
                        o.bytesPerSecond(), o.startedAt(), peers);
                listener.operationsChanged(true);
            }
        }

        ActiveOperation current() {
            return entry.operation;
        }

        /** Clears the game's tracking and publishes. */
        @Override
        public void close() {
            if (release()) {
                listener.operationsChanged(false);
            }
        }

        /** Clears the game's tracking without publishing (the caller publishes next); true the first time. */
        synchronized boolean release() {
            if (closed) {
                return false;
            }
            closed = true;
            active.remove(gameId, entry);
            return true;
        }
    }

    /** Bytes per second over the last few seconds. */
    static final class RateMeter {
        private long windowStartNanos = System.nanoTime();
        private long windowStartBytes;
        private long lastRate;

        synchronized void reset() {
            windowStartNanos = System.nanoTime();
            windowStartBytes = 0;
            lastRate = 0;
        }

        synchronized long update(long bytesDone) {
            long now = System.nanoTime();
            long elapsed = now - windowStartNanos;
            if (elapsed >= 500_000_000L) {
                lastRate = (bytesDone - windowStartBytes) * 1_000_000_000L / elapsed;
                if (elapsed >= 3_000_000_000L) { // slide the window
                    windowStartNanos = now;
                    windowStartBytes = bytesDone;
                }
            }
            return Math.max(0, lastRate);
        }
    }
}
