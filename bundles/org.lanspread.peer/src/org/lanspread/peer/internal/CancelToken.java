package org.lanspread.peer.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Cooperative cancellation with a parent: cancelling a token cancels its children, never its parent. Work checks it
 * at safe points (between chunks, entries, peer attempts), so nothing is stopped in the middle of a write.
 */
final class CancelToken implements org.lanspread.api.archive.Cancellation {

    private final CancelToken parent;
    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile String reason;

    private CancelToken(CancelToken parent) {
        this.parent = parent;
    }

    static CancelToken root() {
        return new CancelToken(null);
    }

    /** A token cancelled with this one (and on its own). */
    CancelToken child() {
        CancelToken child = new CancelToken(this);
        Runnable propagate = () -> child.cancel(reason());
        callbacks.add(propagate);
        if (isCancelled()) {
            child.cancel(reason());
        }
        return child;
    }

    /** Cancels this token and its children; the first reason given wins. */
    void cancel(String why) {
        synchronized (this) {
            if (reason != null) {
                return;
            }
            reason = why == null ? "cancelled" : why;
        }
        callbacks.forEach(Runnable::run);
    }

    @Override
    public boolean isCancelled() {
        return reason != null || (parent != null && parent.isCancelled());
    }

    /** Why it was cancelled (its own reason, else its parent's), or null. */
    String reason() {
        String own = reason;
        return own != null ? own : parent != null ? parent.reason() : null;
    }

    /** Runs {@code callback} once when cancelled (at once if already). */
    void onCancel(Runnable callback) {
        callbacks.add(callback);
        if (isCancelled()) {
            callback.run();
        }
    }
}
