package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.TransportException.Reason;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;

/** Peers that lie or misbehave: each is refused or contained, and the server keeps serving everyone else. */
class HostilePeerTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** Serves one game manifest so that a well-behaved peer has something to ask for (no files). */
    static final ContentSource SEED = new ContentSource() {
        @Override
        public List<AnnouncedGame> announced() {
            return List.of(new AnnouncedGame("quake3", "1", 10));
        }

        @Override
        public Optional<GameManifest> manifest(String gameId) {
            return gameId.equals("quake3") ? Optional.of(new GameManifest("quake3", "1", 4096,
                    List.of(new GameManifest.ManifestFile("version.ini", 2, List.of("00")))))
                    : Optional.empty();
        }

        @Override
        public Optional<Path> gameFolder(String gameId) {
            return Optional.empty();
        }
    };

    private void assertStillServes(QuicPeerTransport seed) throws Exception {
        try (QuicPeerTransport honest = new QuicPeerTransport(dir.resolve("honest"), loopback(), "honest",
                ContentSource.NONE); PeerConnection ok = honest.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            assertEquals("1", ok.manifest("quake3").version());
        }
    }

    @Test
    void aHelloClaimingSomeoneElsesIdIsRefusedByTheServer() throws Exception {
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", SEED);
                QuicPeerTransport alice = new QuicPeerTransport(dir.resolve("alice"), loopback(), "alice",
                        ContentSource.NONE);
                QuicPeerTransport mallory = new QuicPeerTransport(dir.resolve("mallory"), loopback(), "mallory",
                        ContentSource.NONE)) {
            mallory.claimInstead = alice.localId();
            TransportException e = assertThrows(TransportException.class,
                    () -> mallory.connect(seed.localAddress(), seed.localId(), TIMEOUT));
            assertEquals(Reason.IDENTITY_MISMATCH, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(mallory.localId().hex()), e.getMessage());
            assertTrue(seed.connectedPeers().isEmpty(), "no session for a liar");
            assertStillServes(seed);
        }
    }

    @Test
    void aNewerMinorVersionIsAccepted() throws Exception {
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", SEED);
                QuicPeerTransport newer = new QuicPeerTransport(dir.resolve("newer"), loopback(), "newer",
                        ContentSource.NONE, 1, 7);
                PeerConnection connection = newer.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            assertEquals(PeerTransport.PROTOCOL_MINOR, connection.remoteHello().protocolMinor());
            assertEquals("1", connection.manifest("quake3").version());
        }
    }

    @Test
    void unknownTypesFloodsOfStreamsAndRandomFramesDoNotStopTheServer() throws Exception {
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", SEED);
                QuicPeerTransport mallory = new QuicPeerTransport(dir.resolve("mallory"), loopback(), "mallory",
                        ContentSource.NONE);
                PeerConnection connection = mallory.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            var quic = ((QuicConnection) connection).quic();
            // An unknown message type after the hello: ignored.
            QuicStreamChannel unknown = raw(quic);
            byte[] teleport = "{\"type\":\"teleport\",\"to\":\"mars\"}".getBytes(StandardCharsets.UTF_8);
            unknown.writeAndFlush(Unpooled.buffer().writeInt(teleport.length).writeBytes(teleport)).sync();
            assertEquals("1", connection.manifest("quake3").version(), "the connection is unaffected");

            // A flood: far more streams than the peer may have open (64); they wait or fail, nothing else.
            List<Future<QuicStreamChannel>> flood = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                flood.add(quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                    }
                }));
            }
            assertStillServes(seed);

            // Fuzz: random frames (random lengths and bytes), 60 streams per connection (the limit is 64 open).
            Random random = new Random(20261125);
            for (int round = 0; round < 3; round++) {
                try (QuicPeerTransport fuzzer = new QuicPeerTransport(dir.resolve("fuzzer" + round), loopback(),
                        "fuzzer", ContentSource.NONE);
                        PeerConnection fuzz = fuzzer.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
                    var fuzzQuic = ((QuicConnection) fuzz).quic();
                    for (int i = 0; i < 60; i++) {
                        QuicStreamChannel stream = raw(fuzzQuic);
                        byte[] junk = new byte[random.nextInt(300)];
                        random.nextBytes(junk);
                        int declared = random.nextBoolean() ? junk.length : random.nextInt();
                        stream.writeAndFlush(Unpooled.buffer().writeInt(declared).writeBytes(junk));
                    }
                    TimeUnit.MILLISECONDS.sleep(200);
                }
            }
            assertStillServes(seed);
            flood.forEach(f -> f.cancel(false));
        }
    }

    private static QuicStreamChannel raw(io.netty.handler.codec.quic.QuicChannel quic) throws Exception {
        return quic.createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
            @Override
            protected void initChannel(QuicStreamChannel ch) {
            }
        }).get(5, TimeUnit.SECONDS);
    }
}
