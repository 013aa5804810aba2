package org.lanspread.discovery.mdns.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

import javax.jmdns.JmDNS;

/**
 * The services announced but not resolved yet, resolved at a fixed rate ({@value #PER_TICK} every
 * {@value #TICK_MILLIS} ms), newest first: every resolution makes jmdns query the LAN and parse the answers, so a
 * LAN that announces thousands of services would otherwise set the pace of this peer's work. At most {@code bound}
 * names wait; the oldest make room.
 */
final class Resolutions {

    static final long TICK_MILLIS = 100;
    static final int PER_TICK = 5;

    private record Pending(JmDNS jmdns, String type, String name) {
    }

    private final int bound;
    private final Deque<Pending> pending = new ArrayDeque<>();
    private final Set<String> names = new HashSet<>();
    private long dropped;

    Resolutions(int bound) {
        this.bound = bound;
    }

    synchronized void add(JmDNS jmdns, String type, String name) {
        if (!names.add(name)) {
            return;
        }
        pending.addLast(new Pending(jmdns, type, name));
        if (pending.size() > bound) {
            names.remove(pending.removeFirst().name());
            dropped++;
        }
    }

    /** Asks jmdns to resolve the newest few (the worker's tick). */
    void resolveSome(boolean closed) {
        for (int i = 0; i < PER_TICK && !closed; i++) {
            Pending next;
            synchronized (this) {
                next = pending.pollLast();
                if (next == null) {
                    return;
                }
                names.remove(next.name());
            }
            next.jmdns().requestServiceInfo(next.type(), next.name(), false, 1);
        }
    }

    synchronized long dropped() {
        return dropped;
    }
}
