package org.lanspread.peer.internal;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTraffic;

/** Per-peer transfer rates from the transport's cumulative counters, sampled about once a second. */
final class Rates {

    static final long INTERVAL_NANOS = 1_000_000_000L;

    private Map<PeerId, PeerTraffic> last = Map.of();
    private long lastNanos = Long.MIN_VALUE;

    /**
     * Takes a sample; returns the rates (bytes per second: [0] down, [1] up) since the previous sample once at least
     * {@link #INTERVAL_NANOS} have passed, else nothing.
     */
    Optional<Map<PeerId, long[]>> sample(Map<PeerId, PeerTraffic> now, long nanos) {
        if (lastNanos == Long.MIN_VALUE) {
            last = now;
            lastNanos = nanos;
            return Optional.empty();
        }
        long elapsed = nanos - lastNanos;
        if (elapsed < INTERVAL_NANOS) {
            return Optional.empty();
        }
        Map<PeerId, long[]> rates = new HashMap<>();
        now.forEach((peer, traffic) -> {
            PeerTraffic before = last.getOrDefault(peer, PeerTraffic.NONE);
            rates.put(peer, new long[] { perSecond(traffic.bytesReceived() - before.bytesReceived(), elapsed),
                    perSecond(traffic.bytesSent() - before.bytesSent(), elapsed) });
        });
        last = now;
        lastNanos = nanos;
        return Optional.of(rates);
    }

    private static long perSecond(long bytes, long nanos) {
        return bytes <= 0 ? 0 : (long) (bytes * 1e9 / nanos);
    }
}
