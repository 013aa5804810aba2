package org.lanspread.discovery.mdns.internal;

import java.net.InetAddress;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.transport.PeerId;

/**
 * The mDNS announcements heard, by service name, oldest first, at most {@code bound} of them whatever the LAN
 * announces. When full, the host announcing most forgets its oldest (of hosts announcing equally many, the oldest
 * record goes): one machine announcing hundreds of services (a
 * flood, or a broken peer) forgets its own, never the other machines' peers. Thread-safe.
 */
final class AnnouncementTable {

    private final int bound;
    private final Map<String, DiscoveredPeer> byName = new LinkedHashMap<>();
    private final Map<InetAddress, Integer> perHost = new HashMap<>();
    private long evicted;

    AnnouncementTable(int bound) {
        this.bound = bound;
    }

    /**
     * Records {@code peer} as announced under {@code name}, now the newest; returns what it displaced: the
     * announcement this name had before, or the one forgotten to make room (then {@link #evicted()} counts it).
     */
    synchronized Optional<DiscoveredPeer> put(String name, DiscoveredPeer peer) {
        DiscoveredPeer previous = remove(name);
        if (previous == null && byName.size() >= bound) {
            previous = remove(crowdedOldest());
            evicted++;
        }
        byName.put(name, peer);
        perHost.merge(host(peer), 1, Integer::sum);
        return Optional.ofNullable(previous);
    }

    /** Forgets the announcement under {@code name}; returns it, or null. */
    synchronized DiscoveredPeer remove(String name) {
        DiscoveredPeer gone = byName.remove(name);
        if (gone != null) {
            perHost.computeIfPresent(host(gone), (h, n) -> n == 1 ? null : n - 1);
        }
        return gone;
    }

    /** An announcement of {@code id}, if any. */
    synchronized Optional<DiscoveredPeer> find(PeerId id) {
        return byName.values().stream().filter(p -> p.id().equals(id)).findFirst();
    }

    synchronized int size() {
        return byName.size();
    }

    /** Announcements forgotten to make room. */
    synchronized long evicted() {
        return evicted;
    }

    synchronized void clear() {
        byName.clear();
        perHost.clear();
    }

    /** The oldest announcement of a host that announces most (of several such hosts, the oldest record's). */
    private String crowdedOldest() {
        int most = Collections.max(perHost.values());
        for (Map.Entry<String, DiscoveredPeer> e : byName.entrySet()) {
            if (perHost.get(host(e.getValue())) == most) {
                return e.getKey();
            }
        }
        throw new IllegalStateException("no host announces " + most);
    }

    private static InetAddress host(DiscoveredPeer peer) {
        return peer.address().getAddress();
    }
}
