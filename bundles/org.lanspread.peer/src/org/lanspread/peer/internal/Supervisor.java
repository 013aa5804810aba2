package org.lanspread.peer.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs long-lived services under an explicit policy. A service runs until its token is cancelled; returning early
 * or throwing (any {@link Throwable}) is a crash, handled by the policy:
 * <ul>
 * <li>{@link Policy.Required}: the runtime cannot work without it; the failure handler is told (it cancels the
 * runtime and reports {@code RuntimeFailed}).</li>
 * <li>{@link Policy.Restart}: started again after the delay, until the runtime stops.</li>
 * <li>{@link Policy.BestEffort}: logged; the service stays stopped.</li>
 * </ul>
 */
final class Supervisor {

    private static final Logger LOG = Logger.getLogger(Supervisor.class.getName());

    /** How a crash of a service is handled. */
    sealed interface Policy {
        record Required() implements Policy {
        }

        record Restart(Duration delay) implements Policy {
            public Restart {
                Objects.requireNonNull(delay, "delay");
            }
        }

        record BestEffort() implements Policy {
        }
    }

    /** Told when a Required service crashes. */
    @FunctionalInterface
    interface FailureHandler {
        void requiredServiceFailed(String component, Throwable error);
    }

    /** A service body: runs until the token is cancelled. */
    @FunctionalInterface
    interface Service {
        void run(CancelToken token) throws Exception;
    }

    private final TaskGroup group;
    private final FailureHandler onRequiredFailure;

    Supervisor(TaskGroup group, FailureHandler onRequiredFailure) {
        this.group = group;
        this.onRequiredFailure = onRequiredFailure;
    }

    /** Starts {@code service} on its own thread in the supervisor's group. */
    void start(String component, Policy policy, Service service) {
        group.fork(component, true, token -> {
            int runs = 0;
            while (!token.isCancelled()) {
                runs++;
                Throwable crash;
                try {
                    service.run(token);
                    crash = token.isCancelled() ? null : new IllegalStateException(component + " stopped on its own");
                } catch (InterruptedException e) {
                    crash = token.isCancelled() ? null : e;
                } catch (Throwable t) {
                    crash = token.isCancelled() ? null : t;
                }
                if (crash == null) {
                    return; // cancelled: a normal stop
                }
                switch (policy) {
                    case Policy.Required r -> {
                        LOG.log(Level.SEVERE, "required service " + component + " failed: " + describe(crash), crash);
                        onRequiredFailure.requiredServiceFailed(component, crash);
                        return;
                    }
                    case Policy.Restart restart -> {
                        LOG.log(Level.WARNING, "service " + component + " failed (run " + runs + "), restarting in "
                                + restart.delay().toMillis() + " ms: " + describe(crash), crash);
                        if (!sleep(token, restart.delay())) {
                            return;
                        }
                    }
                    case Policy.BestEffort b -> {
                        LOG.log(Level.WARNING, "best-effort service " + component + " stopped: " + describe(crash),
                                crash);
                        return;
                    }
                }
            }
        }, failure -> {
            if (failure != null) { // the loop itself failed (e.g. an Error in a handler): treat as Required
                onRequiredFailure.requiredServiceFailed(component, failure);
            }
        });
    }

    static String describe(Throwable t) {
        String message = t.getMessage();
        return message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
    }

    /** Sleeps unless cancelled first; false when cancelled. */
    private static boolean sleep(CancelToken token, Duration delay) {
        long deadline = System.nanoTime() + delay.toNanos();
        while (!token.isCancelled()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            try {
                Thread.sleep(Duration.ofNanos(Math.min(left, 50_000_000L)));
            } catch (InterruptedException e) {
                if (token.isCancelled()) {
                    return false;
                }
            }
        }
        return false;
    }
}
