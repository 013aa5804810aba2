package org.lanspread.api.runtime;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the runtime runs.
 *
 * @param state     where it is
 * @param component for {@link State#FAILED}: the service that failed (e.g. "transport"); else {@code null}
 * @param error     for {@link State#FAILED}: why; else {@code null}
 * @param since     when it entered this state
 */
public record RuntimeStatus(State state, String component, String error, Instant since) {

    public enum State {
        STARTING, RUNNING, FAILED, STOPPED
    }

    public RuntimeStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
    }

    /** The state, entered now. */
    public static RuntimeStatus of(State state) {
        return new RuntimeStatus(state, null, null, Instant.now());
    }

    /** A failure of {@code component}, now. */
    public static RuntimeStatus failed(String component, String error) {
        return new RuntimeStatus(State.FAILED, component, error, Instant.now());
    }
}
