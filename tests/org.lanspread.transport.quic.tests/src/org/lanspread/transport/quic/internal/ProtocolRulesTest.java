package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.TransportException;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.channel.EventLoopGroup;

/**
 * The server's rules for what a peer sends, spoken by hand: one hello per connection, a hello within its deadline,
 * every frame within its deadline once started, and request fields that are exactly what the protocol says.
 */
class ProtocolRulesTest {

    @TempDir
    Path dir;

    private EventLoopGroup group;
    private QuicPeerTransport seed;
    private final List<RawPeer> peers = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        group = EventLoops.group(1);
        seed = new QuicPeerTransport(dir.resolve("seed"), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "seed", HostilePeerTest.SEED);
    }

    @AfterEach
    void stop() throws Exception {
        peers.forEach(RawPeer::close);
        seed.close();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private RawPeer peer() throws Exception {
        RawPeer peer = new RawPeer(dir.resolve("raw" + peers.size()), group, seed.localAddress(), 1 << 20, 1 << 20);
        peers.add(peer);
        return peer;
    }

    /** The next frame of {@code type}, skipping session messages (library, ping). */
    private static JsonNode next(RawPeer.Stream stream, String type) throws InterruptedException {
        for (JsonNode frame; (frame = stream.next(5)) != null;) {
            if (frame.path("type").asText().equals(type)) {
                return frame;
            }
        }
        return null;
    }

    private static boolean closedWithin(RawPeer peer, Duration bound) {
        return peer.quic.closeFuture().awaitUninterruptibly(bound.toMillis());
    }

    @Test
    void aSecondHelloClosesTheConnection() throws Exception {
        RawPeer peer = peer();
        RawPeer.Stream control = peer.helloed();
        control.send(peer.hello());
        JsonNode error = next(control, "error");
        assertNotNull(error, "an error frame");
        assertEquals("protocol", error.path("code").asText(), error.toString());
        assertTrue(closedWithin(peer, Duration.ofSeconds(3)), "the connection is closed");
    }

    @Test
    void aHelloOnAChunkStreamClosesTheConnection() throws Exception {
        RawPeer peer = peer();
        peer.helloed();
        RawPeer.Stream chunkStream = peer.stream(true);
        chunkStream.send(peer.hello());
        JsonNode error = next(chunkStream, "error");
        assertNotNull(error, "an error frame");
        assertEquals("protocol", error.path("code").asText(), error.toString());
        assertTrue(closedWithin(peer, Duration.ofSeconds(3)), "the connection is closed");
        assertTrue(seed.connectedPeers().isEmpty(), "and its session ended");
    }

    @Test
    void aSilentOrDrippingConnectionIsClosedAtTheHelloDeadline() throws Exception {
        RawPeer silent = peer();
        RawPeer dripping = peer();
        RawPeer.Stream control = dripping.stream(true);
        control.channel().writeAndFlush(io.netty.buffer.Unpooled.buffer().writeByte(0)); // the first byte of a frame
        long started = System.nanoTime();
        assertTrue(closedWithin(silent, Admission.HELLO_DEADLINE.plusSeconds(3)), "the silent one is closed");
        assertTrue(closedWithin(dripping, Duration.ofSeconds(3)), "the dripping one is closed");
        double seconds = (System.nanoTime() - started) / 1e9;
        assertTrue(seconds >= Admission.HELLO_DEADLINE.toSeconds() - 1, "not before the deadline: " + seconds);
    }

    @Test
    void aFrameStartedAfterTheHelloMustArriveWithinItsDeadline() throws Exception {
        seed.frameDeadline = Duration.ofSeconds(2);
        RawPeer peer = peer();
        peer.helloed();
        RawPeer.Stream request = peer.stream(true);
        request.channel().writeAndFlush(io.netty.buffer.Unpooled.buffer().writeInt(100).writeBytes(new byte[10]));
        long started = System.nanoTime();
        assertTrue(closedWithin(peer, Duration.ofSeconds(6)), "closed when the frame did not complete");
        assertTrue((System.nanoTime() - started) / 1e9 >= 1.5, "not before the deadline");
    }

    @Test
    void requestFieldsMustBeExactlyWhatTheProtocolSays() throws Exception {
        RawPeer peer = peer();
        peer.helloed();
        String valid = "\"gameId\":\"quake3\",\"version\":\"1\",\"path\":\"version.ini\"";
        // field value -> what the error must name
        String[][] table = {
            { "\"offset\":0,\"length\":4294967312", "'length' must be from 1 to 2147483647, not 4294967312" },
            { "\"offset\":\"0\",\"length\":2", "'offset' must be a whole number" },
            { "\"offset\":1.5,\"length\":2", "'offset' must be a whole number" },
            { "\"offset\":0,\"length\":1.0", "'length' must be a whole number" },
            { "\"offset\":-1,\"length\":2", "'offset' must be from 0 to" },
            { "\"offset\":9223372036854775808,\"length\":2", "'offset' must be a whole number" },
            { "\"offset\":0,\"length\":-1", "'length' must be from 1 to" },
            { "\"offset\":0", "'length' must be a whole number from 1 to 2147483647, not missing" },
        };
        for (String[] row : table) {
            RawPeer.Stream stream = peer.stream(true);
            stream.send("{\"type\":\"chunk\"," + valid + "," + row[0] + "}");
            JsonNode answer = stream.next(5);
            assertNotNull(answer, row[0] + ": an answer");
            assertEquals("error", answer.path("type").asText(), row[0] + ": " + answer);
            assertEquals("refused", answer.path("code").asText(), row[0] + ": " + answer);
            assertTrue(answer.path("message").asText().contains(row[1]), row[0] + ": " + answer);
        }
        // A request of 40 KB (a path of 40,000 characters) gets the error frame too, its echo cut.
        RawPeer.Stream big = peer.stream(true);
        big.send("{\"type\":\"chunk\",\"gameId\":\"quake3\",\"version\":\"1\",\"path\":\"" + "p".repeat(40_000)
                + "\",\"offset\":0,\"length\":2}");
        JsonNode answer = big.next(5);
        assertNotNull(answer, "an answer to a 40 KB request");
        assertEquals("error", answer.path("type").asText(), answer.toString());
        assertTrue(answer.path("message").asText().length() < 1000, "the echo is cut");
        // A well-formed request is still served on the same connection.
        RawPeer.Stream ok = peer.stream(true);
        ok.send("{\"type\":\"chunk\"," + valid + ",\"offset\":0,\"length\":2}");
        JsonNode refusal = ok.next(5);
        assertNotNull(refusal);
        assertTrue(refusal.path("message").asText().contains("not served here")
                || refusal.path("type").asText().equals("chunk-data"), refusal.toString());
    }

    @Test
    void anErrorWhileServingAChunkIsAnsweredAndFreesItsBytes() throws Exception {
        // A content source whose disk access fails with an Error, as running out of direct memory does.
        ContentSource failing = new ContentSource() {
            @Override
            public Optional<GameManifest> manifest(String gameId) {
                return HostilePeerTest.SEED.manifest(gameId);
            }

            @Override
            public Optional<Path> gameFolder(String gameId) {
                throw new OutOfMemoryError("Cannot reserve 4194304 bytes of direct buffer memory (test)");
            }
        };
        try (QuicPeerTransport server = new QuicPeerTransport(dir.resolve("failing"),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "failing", failing);
                QuicPeerTransport client = new QuicPeerTransport(dir.resolve("client"),
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "client", ContentSource.NONE);
                PeerConnection connection = client.connect(server.localAddress(), server.localId(), Duration.ofSeconds(10))) {
            for (int i = 0; i < 3; i++) { // more than once: the upload pool keeps its threads and serves on
                long started = System.nanoTime();
                TransportException e = assertThrows(TransportException.class, () -> connection.fetch(
                        new ChunkRequest("quake3", "1", "version.ini", 0, 2), ByteBuffer.allocate(2)));
                assertEquals(TransportException.Reason.REFUSED, e.reason(), e.getMessage());
                assertTrue(e.getMessage().contains("OutOfMemoryError"), e.getMessage());
                assertTrue((System.nanoTime() - started) / 1e9 < 5, "answered at once, not after a timeout");
            }
            // Released on the server's upload thread just after the error frame went out: the client may read the
            // answer first, so the release is awaited (briefly), never skipped.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (server.uploads.budget().held() != 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(0, server.uploads.budget().held(), "its bytes are released");
        }
    }
}
