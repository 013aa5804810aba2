package org.lanspread.discovery.mdns.internal;

import java.net.InetSocketAddress;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * When to probe each manually listed address: every round while it answers; after it fails to answer, again after
 * {@value #FIRST_BACKOFF_MILLIS} ms, doubling up to {@value #MAX_BACKOFF_MILLIS} ms. A round probes the addresses
 * that answered last time first, so a long list of dead entries holds up no live one. Worker thread only.
 */
final class ProbeSchedule {

    static final long FIRST_BACKOFF_MILLIS = 1_000;
    static final long MAX_BACKOFF_MILLIS = 60_000;

    private record State(int failures, long dueNanos) {
    }

    private final Map<InetSocketAddress, State> states = new HashMap<>();

    /** The addresses of {@code listed} due at {@code now}, those that answered last first. */
    List<InetSocketAddress> due(List<InetSocketAddress> listed, long now) {
        return listed.stream().filter(a -> {
            State state = states.get(a);
            return state == null || now - state.dueNanos() >= 0;
        }).sorted(Comparator.comparingInt(a -> states.getOrDefault(a, new State(0, 0)).failures())).toList();
    }

    void answered(InetSocketAddress address) {
        states.remove(address);
    }

    void silent(InetSocketAddress address, long now) {
        int failures = states.getOrDefault(address, new State(0, 0)).failures() + 1;
        long backoff = Math.min(MAX_BACKOFF_MILLIS, FIRST_BACKOFF_MILLIS << Math.min(failures - 1, 20));
        states.put(address, new State(failures, now + backoff * 1_000_000));
    }
}
