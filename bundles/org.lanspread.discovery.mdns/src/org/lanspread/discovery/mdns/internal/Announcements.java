package org.lanspread.discovery.mdns.internal;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

import javax.jmdns.ServiceInfo;

import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.transport.PeerId;

/**
 * Reads a LanSpread mDNS announcement, cheaply and strictly: anyone on the LAN can announce anything, so a record is
 * a peer only when every field is well formed, and everything else is ignored without further work.
 * <p>
 * A peer's TXT record holds {@code id} (64 hex digits), {@code v} (the protocol major, which must be ours: other
 * majors cannot talk to us), {@code port} and {@code name}; the whole TXT record is at most {@link #MAX_TXT_BYTES}.
 * The service's own port (SRV) must be a port (1-65535). A name longer than {@link #MAX_NAME} characters is cut,
 * control characters make it the peer id's short form.
 */
final class Announcements {

    static final int MAX_TXT_BYTES = 1024;
    static final int MAX_NAME = 64;

    private Announcements() {
    }

    /** The peer announced by {@code info}, or null when it is not a well-formed announcement of major {@code major}. */
    static DiscoveredPeer read(ServiceInfo info, int major) {
        byte[] txt = info.getTextBytes();
        if (txt == null || txt.length == 0 || txt.length > MAX_TXT_BYTES) {
            return null; // jmdns resolves first without the TXT record: the next resolution has it
        }
        String id = info.getPropertyString("id");
        if (id == null || id.length() != 64) {
            return null;
        }
        PeerId peer;
        try {
            peer = new PeerId(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!Integer.toString(major).equals(info.getPropertyString("v"))) {
            return null;
        }
        int port = info.getPort();
        Inet4Address[] addresses = info.getInet4Addresses();
        if (port < 1 || port > 65535 || addresses.length == 0) {
            return null;
        }
        return new DiscoveredPeer(peer, new InetSocketAddress(addresses[0], port), major,
                name(info.getPropertyString("name"), peer));
    }

    static String name(String announced, PeerId peer) {
        if (announced == null || announced.isBlank() || announced.chars().anyMatch(Character::isISOControl)) {
            return peer.shortForm();
        }
        return announced.length() <= MAX_NAME ? announced : announced.substring(0, MAX_NAME);
    }
}
