package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.TransportException.Reason;

/** Two real transports on loopback: real UDP sockets, real QUIC and TLS 1.3 (BoringSSL via Netty). */
class HelloExchangeTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static InetSocketAddress loopback() throws Exception {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    @Test
    void twoPeersExchangeHellosAndProveTheirIds() throws Exception {
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", ContentSource.NONE);
                QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", ContentSource.NONE)) {
            assertNotEquals(alice.localId(), bob.localId());
            try (PeerConnection connection = alice.connect(bob.localAddress(), bob.localId(), TIMEOUT)) {
                assertTrue(connection.isOpen());
                assertEquals(bob.localId(), connection.remoteId());
                assertEquals("bob", connection.remoteHello().name());
                assertEquals(1, connection.remoteHello().protocolMajor());
            }
        }
    }

    @Test
    void aFirstContactLearnsThePeerIdFromItsCertificate() throws Exception {
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", ContentSource.NONE);
                QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", ContentSource.NONE);
                PeerConnection connection = alice.connect(bob.localAddress(), null, TIMEOUT)) {
            assertEquals(bob.localId(), connection.remoteId());
            assertEquals("bob", connection.remoteHello().name());
        }
    }

    @Test
    void theNativeEpollTransportIsUsedOnLinux() {
        assertTrue(EventLoops.epoll(), "the epoll fragment is installed with the transport, so UDP runs on epoll");
    }

    @Test
    void anIdentityPersistsAcrossRestarts() throws Exception {
        PeerId first;
        try (QuicPeerTransport peer = new QuicPeerTransport(dir.resolve("peer"), loopback(), "peer", ContentSource.NONE)) {
            first = peer.localId();
        }
        assertTrue(Files.isRegularFile(dir.resolve("peer/peer.p12")));
        try (QuicPeerTransport again = new QuicPeerTransport(dir.resolve("peer"), loopback(), "peer", ContentSource.NONE)) {
            assertEquals(first, again.localId());
        }
    }

    @Test
    void aCertificateThatIsNotTheExpectedPeerIsRefused() throws Exception {
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", ContentSource.NONE);
                QuicPeerTransport bob = new QuicPeerTransport(dir.resolve("bob"), loopback(), "bob", ContentSource.NONE);
                QuicPeerTransport mallory = new QuicPeerTransport(dir.resolve("mallory"), loopback(), "mallory", ContentSource.NONE)) {
            // Mallory answers at an address where alice expects bob.
            TransportException e = assertThrows(TransportException.class,
                    () -> alice.connect(mallory.localAddress(), bob.localId(), TIMEOUT));
            assertEquals(Reason.IDENTITY_MISMATCH, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(bob.localId().hex()) && e.getMessage().contains(mallory.localId().hex()),
                    e.getMessage());
            // ... and the transports still work for honest peers afterwards.
            try (PeerConnection ok = alice.connect(bob.localAddress(), bob.localId(), TIMEOUT)) {
                assertEquals(bob.localId(), ok.remoteId());
            }
        }
    }

    @Test
    void anIncompatibleProtocolVersionIsRefusedOnBothSides() throws Exception {
        try (QuicPeerTransport current = new QuicPeerTransport(dir.resolve("v1"), loopback(), "v1", ContentSource.NONE);
                QuicPeerTransport future = new QuicPeerTransport(dir.resolve("v2"), loopback(), "v2", ContentSource.NONE, 2, 0)) {
            TransportException e = assertThrows(TransportException.class,
                    () -> future.connect(current.localAddress(), current.localId(), TIMEOUT));
            assertEquals(Reason.VERSION_MISMATCH, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("2.0") && e.getMessage().contains("1." + PeerTransport.PROTOCOL_MINOR),
                    e.getMessage());

            TransportException back = assertThrows(TransportException.class,
                    () -> current.connect(future.localAddress(), future.localId(), TIMEOUT));
            assertEquals(Reason.VERSION_MISMATCH, back.reason(), back.getMessage());
        }
    }

    @Test
    void nobodyListeningIsUnreachableWithinTheTimeout() throws Exception {
        try (QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice", ContentSource.NONE)) {
            InetSocketAddress nobody;
            try (var socket = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
            }
            long start = System.nanoTime();
            TransportException e = assertThrows(TransportException.class,
                    () -> alice.connect(nobody, alice.localId(), Duration.ofSeconds(2)));
            assertEquals(Reason.UNREACHABLE, e.reason(), e.getMessage());
            assertFalse(Duration.ofNanos(System.nanoTime() - start).compareTo(Duration.ofSeconds(6)) > 0,
                    "gave up within the timeout");
        }
    }
}
