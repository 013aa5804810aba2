package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerTransport;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;

/**
 * Unauthenticated input at the transport port, from hosts on loopback: junk datagrams and QUIC handshakes that are
 * never completed. The server holds a bounded number of connections, for a bounded time, starts no thread, and an
 * honest peer from another address connects and is served meanwhile.
 */
class AdmissionTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    /** Starts a QUIC handshake from {@code from} that never completes: the client's TLS work is never run. */
    private static Channel halfOpen(EventLoopGroup group, InetAddress from, InetSocketAddress to) throws Exception {
        var tls = QuicSslContextBuilder.forClient().applicationProtocols(PeerTransport.ALPN).build();
        var codec = new QuicClientCodecBuilder().sslContext(tls).sslTaskExecutor(task -> {
        }).maxIdleTimeout(60, TimeUnit.SECONDS).initialMaxData(1 << 20).build();
        Channel udp = new Bootstrap().group(group).channel(EventLoops.datagramChannel()).handler(codec)
                .bind(new InetSocketAddress(from, 0)).sync().channel();
        QuicChannel.newBootstrap(udp).streamHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        }).remoteAddress(to).connect();
        return udp;
    }

    private static java.util.Set<String> threadNames() {
        java.util.Set<String> names = new java.util.TreeSet<>();
        Thread.getAllStackTraces().keySet().forEach(t -> names.add(t.getName()));
        return names;
    }

    @Test
    void junkAndFiveHundredHalfOpenHandshakesAreBoundedAndAnHonestPeerIsServed() throws Exception {
        // The server and the honest peer on 127.0.0.2 (a client binds to the loopback address it connects to), the
        // attacker on 127.0.0.1.
        InetAddress attacker = InetAddress.getByName("127.0.0.1");
        InetAddress host = InetAddress.getByName("127.0.0.2");
        EventLoopGroup attackers = EventLoops.group(1);
        List<Channel> held = new ArrayList<>();
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), new InetSocketAddress(host, 0), "seed",
                ContentSource.NONE)) {
            InetSocketAddress target = new InetSocketAddress(host, seed.localAddress().getPort());
            java.util.Set<String> threadsBefore = threadNames();

            // Junk: 20,000 datagrams of random bytes and lengths, bounded in count.
            Random random = new Random(19);
            try (DatagramSocket junk = new DatagramSocket(new InetSocketAddress(attacker, 0))) {
                for (int i = 0; i < 20_000; i++) {
                    byte[] bytes = new byte[1 + random.nextInt(1400)];
                    random.nextBytes(bytes);
                    junk.send(new DatagramPacket(bytes, bytes.length, target));
                }
            }
            // 500 handshakes from one address, none completed; their clients keep retrying while they are open.
            for (int i = 0; i < 500; i++) {
                held.add(halfOpen(attackers, attacker, target));
            }
            int most = 0;
            for (int i = 0; i < 6; i++) {
                Thread.sleep(1000);
                most = Math.max(most, seed.connectionsHeld());
            }
            assertTrue(most <= Admission.PER_ADDRESS, "connections held from one address: " + most);

            // An honest peer on another address connects and is served meanwhile.
            try (QuicPeerTransport honest = new QuicPeerTransport(dir.resolve("honest"),
                    new InetSocketAddress(host, 0), "honest", ContentSource.NONE);
                    PeerConnection connection = honest.connect(target, seed.localId(), TIMEOUT)) {
                assertTrue(connection.isOpen());
                assertEquals(seed.localId(), connection.remoteId());
                // The attack stops: what it left open is closed by the hello deadline.
                held.forEach(Channel::close);
                Thread.sleep(Admission.HELLO_DEADLINE.toMillis() + 1500);
                int after = seed.connectionsHeld();
                System.out.printf("[admission] 20,000 junk datagrams and 500 half-open handshakes from one address: "
                        + "the server held at most %d connections over 6 s; %d a hello deadline after the attack "
                        + "stopped (the honest one)%n", most, after);
                assertEquals(1, after, "half-open handshakes are closed at the hello deadline");
                java.util.Set<String> started = threadNames();
                started.removeAll(threadsBefore);
                // The runtime component of this test framework may start meanwhile; its services are not counted.
                started.removeIf(name -> name.startsWith("lanspread runtime/") || name.equals("FileSystemWatchService"));
                assertTrue(started.size() <= 3, "threads started meanwhile (no more than the attackers', the honest"
                        + " peer's and the runtime's event loops): " + started);
            }
        } finally {
            held.forEach(Channel::close);
            attackers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
