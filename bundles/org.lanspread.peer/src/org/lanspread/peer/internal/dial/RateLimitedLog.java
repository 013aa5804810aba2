package org.lanspread.peer.internal.dial;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/** A warning at most once per interval, saying how many were held back since the last one. */
public final class RateLimitedLog {

    private final Logger log;
    private final long interval;
    private final LongSupplier clock;
    private long last;
    private boolean logged;
    private long held;

    public RateLimitedLog(Logger log, Duration interval) {
        this(log, interval, System::nanoTime);
    }

    RateLimitedLog(Logger log, Duration interval, LongSupplier clock) {
        this.log = log;
        this.interval = interval.toNanos();
        this.clock = clock;
    }

    public synchronized void log(String message) {
        long now = clock.getAsLong();
        if (logged && now - last < interval) {
            held++;
            return;
        }
        log.warning(message + (held > 0 ? " (" + held + " similar messages held back)" : ""));
        logged = true;
        last = now;
        held = 0;
    }
}
