package org.lanspread.api.runtime;

import java.util.Objects;

/**
 * Whether the runtime runs.
 *
 * @param state     where it is
 * @param component for {@link State#FAILED}: the service that failed (e.g. "transport"); else {@code null}
 * @param error     for {@link State#FAILED}: why; else {@code null}
 */
public record RuntimeStatus(State state, String component, String error) {

    public enum State {
        STARTING, RUNNING, FAILED, STOPPED
    }

    public RuntimeStatus {
        Objects.requireNonNull(state, "state");
    }

    public static RuntimeStatus of(State state) {
        return new RuntimeStatus(state, null, null);
    }
}
