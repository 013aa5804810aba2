package org.lanspread.api.archive;

/** Cooperative cancellation: checked between entries and between buffers, never mid-write of a buffer. */
@FunctionalInterface
public interface Cancellation {
    Cancellation NEVER = () -> false;

    boolean isCancelled();
}
