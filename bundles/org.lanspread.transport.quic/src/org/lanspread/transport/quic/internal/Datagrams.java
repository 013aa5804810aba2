package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;

/**
 * QUIC packet sizes. Each packet costs the same work in quiche and the kernel whatever its size, so packets are made
 * as large as the path carries unfragmented: the MTU of the interface that reaches the peer (65,536 on loopback,
 * usually 1,500 on a LAN) less the IP and UDP headers. A peer learns the size from the transport parameter
 * {@code max_udp_payload_size} that the connecting side sends: the serving side sends at most that.
 */
final class Datagrams {

    /** QUIC's smallest allowed datagram, also used until the path is known. */
    static final int MIN_PAYLOAD = 1200;
    /** The largest UDP payload there is (and quiche's limit). */
    static final int MAX_PAYLOAD = 65527;
    /**
     * What a client sends and a server receives: chunk requests and acknowledgements, small whatever the path. A
     * server announces it as its max_udp_payload_size, so that it reads every datagram into a small buffer.
     */
    static final int TOWARDS_SERVER = 1472;

    /** For benchmarks: a fixed payload size instead of the path's. */
    private static final int FIXED = Integer.getInteger("lanspread.quic.payload", 0);

    private Datagrams() {
    }

    /** The largest UDP payload this host sends to {@code peer} without fragmenting; {@link #MIN_PAYLOAD} if unknown. */
    static int payloadTo(InetAddress peer) {
        if (FIXED > 0) {
            return clamp(FIXED);
        }
        try (DatagramSocket route = new DatagramSocket()) {
            route.connect(peer, 9); // a UDP connect sends nothing: it only picks the route and the local address
            NetworkInterface nic = NetworkInterface.getByInetAddress(route.getLocalAddress());
            int mtu = nic == null ? -1 : nic.getMTU();
            if (mtu <= 0) {
                return MIN_PAYLOAD;
            }
            return clamp(mtu - (peer instanceof Inet6Address ? 40 : 20) - 8);
        } catch (IOException | RuntimeException e) {
            return MIN_PAYLOAD;
        }
    }

    /**
     * The buffer one datagram of at most {@code payload} bytes is read into: a smaller one truncates large packets
     * (they are lost and the connection stalls); a much larger one costs an allocation per packet.
     */
    static int receiveBuffer(int payload) {
        return payload <= 2048 ? 2048 : 65536;
    }

    private static int clamp(int payload) {
        return Math.max(MIN_PAYLOAD, Math.min(MAX_PAYLOAD, payload));
    }
}
