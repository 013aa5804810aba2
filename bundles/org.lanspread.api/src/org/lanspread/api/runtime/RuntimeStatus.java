package org.lanspread.api.runtime;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Whether the runtime runs.
 *
 * @param state     where it is
 * @param component for {@link State#FAILED}: the service that failed (e.g. "transport"); else {@code null}
 * @param error     for {@link State#FAILED}: why; else {@code null}
 * @param since     when it entered this state
 * @param notices   what the user should be told once about this run's start, e.g. that a damaged state database was
 *                  moved aside and rebuilt (since 0.4); empty normally
 */
public record RuntimeStatus(State state, String component, String error, Instant since, List<String> notices) {

    /** The component of a runtime that did not start because another one holds its state directory. */
    public static final String STATE_LOCK = "state-lock";

    public enum State {
        STARTING, RUNNING, FAILED, STOPPED
    }

    public RuntimeStatus {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(since, "since");
        notices = notices == null ? List.of() : List.copyOf(notices);
    }

    public RuntimeStatus(State state, String component, String error, Instant since) {
        this(state, component, error, since, List.of());
    }

    /** Running, now, with what the user should be told about the start. */
    public static RuntimeStatus running(List<String> notices) {
        return new RuntimeStatus(State.RUNNING, null, null, Instant.now(), notices);
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
