package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.TransportException.Reason;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;

/** A game's files move between two real transports on loopback, checked chunk by chunk against the manifest. */
class ChunkTransferTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private Path games;

    private GameLibrary library;

    /** A library of its own for the game directory (the state database under the test's folder). */
    private GameLibrary library() throws Exception {
        if (library == null) {
            library = Services.await(GameLibraryFactory.class).open(dir.resolve("library-state"), games);
        }
        return library;
    }

    @org.junit.jupiter.api.AfterEach
    void closeLibrary() {
        if (library != null) {
            library.close();
        }
    }

    private ContentSource serving(String gameId) throws Exception {
        GameLibrary library = library();
        return new ContentSource() {
            @Override
            public Optional<GameManifest> manifest(String id) {
                if (!id.equals(gameId)) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(library.manifest(id));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public Optional<Path> gameFolder(String id) {
                return id.equals(gameId) ? Optional.of(games.resolve(id)) : Optional.empty();
            }
        };
    }

    private Path game() throws Exception {
        games = Files.createDirectories(dir.resolve("games"));
        Path quake = Files.createDirectories(games.resolve("quake3"));
        Files.writeString(quake.resolve("version.ini"), "20240315\n");
        try (InputStream in = new RarWriter.RandomStream(11, 9L * 1024 * 1024 + 12345)) {
            Files.copy(in, quake.resolve("quake3.part1.rar"));
        }
        try (InputStream in = new RarWriter.RandomStream(12, 70_000)) {
            Files.copy(in, quake.resolve("quake3.part2.rar"));
        }
        Files.writeString(dir.resolve("secret.txt"), "outside the game folder");
        library().setGameDirectory(games);
        return quake;
    }

    private static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aWholeGameTransfersChunkByChunkAndMatchesItsManifest() throws Exception {
        Path quake = game();
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", serving("quake3"));
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            GameManifest manifest = connection.manifest("quake3");
            assertEquals(library().manifest("quake3"), manifest);
            assertEquals(3, manifest.files().size());
            for (GameManifest.ManifestFile file : manifest.files()) {
                ByteBuffer whole = ByteBuffer.allocate((int) file.size());
                for (int i = 0; i < file.chunks().size(); i++) {
                    long offset = (long) i * manifest.chunkSize();
                    int length = (int) Math.min(manifest.chunkSize(), file.size() - offset);
                    ByteBuffer chunk = ByteBuffer.allocate(length);
                    connection.fetch(new ChunkRequest("quake3", manifest.version(), file.path(), offset, length), chunk);
                    assertEquals(file.chunks().get(i), sha256(chunk.array()), file.path() + " chunk " + i);
                    whole.put(chunk.flip());
                }
                assertEquals(sha256(Files.readAllBytes(quake.resolve(file.path()))), sha256(whole.array()), file.path());
            }
        }
    }

    @Test
    void aFetchInterruptedOnItsWayEndsAtOnceAndTheConnectionServesTheNextChunk() throws Exception {
        // The end game stops a fetch that another copy of its chunk has beaten by interrupting its worker; that
        // worker then fetches other chunks over the same connection.
        Path quake = game();
        byte[] archive = Files.readAllBytes(quake.resolve("quake3.part1.rar"));
        int mib = 1024 * 1024;
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", serving("quake3"),
                new org.lanspread.api.transport.UploadLimits(0, 2L * mib, 0)); // a 4 MiB chunk takes 2 s
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            GameManifest manifest = connection.manifest("quake3");
            int chunk = manifest.chunkSize();
            ByteBuffer first = ByteBuffer.allocate(chunk);
            connection.fetch(new ChunkRequest("quake3", manifest.version(), "quake3.part1.rar", 0, chunk), first);
            ByteBuffer stopped = ByteBuffer.allocate(chunk);
            CompletableFuture<Object> outcome = new CompletableFuture<>();
            Thread worker = Thread.ofPlatform().start(() -> {
                try {
                    connection.fetch(new ChunkRequest("quake3", manifest.version(), "quake3.part1.rar", chunk, chunk),
                            stopped);
                    outcome.complete("fetched");
                } catch (TransportException e) {
                    outcome.complete(Thread.currentThread().isInterrupted() ? e : "not interrupted: " + e);
                }
            });
            Thread.sleep(300); // the seed paces its second chunk to after its first: it is still on its way
            long interrupted = System.nanoTime();
            worker.interrupt();
            Object result = outcome.get(10, TimeUnit.SECONDS);
            double took = (System.nanoTime() - interrupted) / 1e9;
            assertTrue(result instanceof TransportException, "the fetch ended, its worker interrupted: " + result);
            assertTrue(took < 1.0, "at once, not when the chunk would have arrived: " + took + " s");
            assertEquals(0, stopped.position(), "nothing of it written into the caller's buffer");
            assertTrue(connection.isOpen());
            int rest = archive.length - 2 * chunk;
            ByteBuffer next = ByteBuffer.allocate(rest);
            connection.fetch(new ChunkRequest("quake3", manifest.version(), "quake3.part1.rar", 2L * chunk, rest),
                    next);
            assertEquals(sha256(java.util.Arrays.copyOfRange(archive, 2 * chunk, archive.length)),
                    sha256(next.array()), "the next chunk, whole, over the same connection");
        }
    }

    @Test
    void aVersionStillDownloadingServesOnlyTheWholeChunksItHolds() throws Exception {
        Path quake = game();
        GameManifest manifest = serving("quake3").manifest("quake3").orElseThrow();
        int part1 = manifest.files().indexOf(manifest.files().stream()
                .filter(f -> f.path().equals("quake3.part1.rar")).findFirst().orElseThrow());
        ContentSource downloading = new ContentSource() { // no complete game: a download holding chunk 1 of part1
            @Override
            public Optional<org.lanspread.api.transport.PartialContent> partial(String id) {
                return !id.equals("quake3") ? Optional.empty() : Optional.of(new org.lanspread.api.transport.PartialContent() {
                    @Override
                    public GameManifest manifest() {
                        return manifest;
                    }

                    @Override
                    public boolean holds(int file, int chunk) {
                        return file == part1 && chunk == 1;
                    }

                    @Override
                    public Path file(int file) {
                        return quake.resolve(manifest.files().get(file).path());
                    }
                });
            }
        };
        int size = GameManifest.DEFAULT_CHUNK_SIZE;
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", downloading);
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            ByteBuffer held = ByteBuffer.allocate(size);
            connection.fetch(new ChunkRequest("quake3", "20240315", "quake3.part1.rar", size, size), held);
            assertEquals(manifest.files().get(part1).chunks().get(1), sha256(held.array()), "the held chunk, exact");
            for (ChunkRequest refused : List.of(
                    new ChunkRequest("quake3", "20240315", "quake3.part1.rar", 0, size),
                    new ChunkRequest("quake3", "20240315", "quake3.part1.rar", size + 1, size - 1),
                    new ChunkRequest("quake3", "20240315", "quake3.part1.rar", size, 100),
                    new ChunkRequest("quake3", "19990101", "quake3.part1.rar", size, size))) {
                TransportException e = assertThrows(TransportException.class,
                        () -> connection.fetch(refused, ByteBuffer.allocate(refused.length())), refused.toString());
                assertEquals(Reason.REFUSED, e.reason(), refused + ": " + e.getMessage());
            }
            TransportException notHeld = assertThrows(TransportException.class, () -> connection.fetch(
                    new ChunkRequest("quake3", "20240315", "quake3.part1.rar", 0, size), ByteBuffer.allocate(size)));
            assertTrue(notHeld.getMessage().contains("chunk 0 of 'quake3.part1.rar' is not held here yet"),
                    notHeld.getMessage());
            TransportException manifestRefused = assertThrows(TransportException.class,
                    () -> connection.manifest("quake3"));
            assertEquals(Reason.REFUSED, manifestRefused.reason(), "a partial peer serves chunks, not the manifest");
            connection.fetch(new ChunkRequest("quake3", "20240315", "quake3.part1.rar", size, size),
                    ByteBuffer.allocate(size)); // refusals ended their streams only
        }
    }

    @Test
    void aServedFileThatVanishesIsNamedAsGoneNotAsSomethingElse() throws Exception {
        Path quake = game();
        ContentSource honest = serving("quake3");
        GameManifest made = honest.manifest("quake3").orElseThrow();
        ContentSource cached = new ContentSource() { // as the runtime's: the manifest is kept until a rescan
            @Override
            public Optional<GameManifest> manifest(String id) {
                return id.equals("quake3") ? Optional.of(made) : Optional.empty();
            }

            @Override
            public Optional<Path> gameFolder(String id) {
                return honest.gameFolder(id);
            }
        };
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", cached);
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            GameManifest manifest = connection.manifest("quake3");
            Files.delete(quake.resolve("quake3.part2.rar")); // the manifest still lists it
            TransportException e = assertThrows(TransportException.class, () -> connection.fetch(new ChunkRequest(
                    "quake3", manifest.version(), "quake3.part2.rar", 0, 10), ByteBuffer.allocate(10)));
            assertEquals(Reason.REFUSED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("'quake3.part2.rar' is gone from the serving peer"), e.getMessage());
        }
    }

    /**
     * QUIC packets are sized to the path: on loopback (MTU 65,536) the data of a 9 MiB file crosses in a few hundred
     * datagrams, where QUIC's default 1,200-byte packets would take more than 7,800. Counted by the kernel
     * (/proc/net/snmp, every UDP datagram this host received while the file moved).
     */
    @Test
    void chunksCrossLoopbackInDatagramsSizedToThePath() throws Exception {
        game();
        int mtu = java.net.NetworkInterface.getByInetAddress(InetAddress.getLoopbackAddress()).getMTU();
        assertEquals(Math.min(Datagrams.MAX_PAYLOAD, mtu - 28), Datagrams.payloadTo(InetAddress.getLoopbackAddress()),
                "loopback's MTU " + mtu + " less the IPv4 and UDP headers");
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", serving("quake3"));
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            GameManifest manifest = connection.manifest("quake3");
            GameManifest.ManifestFile file = manifest.files().stream()
                    .filter(f -> f.path().equals("quake3.part1.rar")).findFirst().orElseThrow();
            long before = udpDatagramsReceived();
            for (int i = 0; i < file.chunks().size(); i++) {
                long offset = (long) i * manifest.chunkSize();
                int length = (int) Math.min(manifest.chunkSize(), file.size() - offset);
                ByteBuffer chunk = ByteBuffer.allocate(length);
                connection.fetch(new ChunkRequest("quake3", manifest.version(), file.path(), offset, length), chunk);
                assertEquals(file.chunks().get(i), sha256(chunk.array()), "chunk " + i);
            }
            long datagrams = udpDatagramsReceived() - before;
            long atQuicDefault = file.size() / 1200;
            assertTrue(datagrams < atQuicDefault / 4, datagrams + " datagrams for " + file.size()
                    + " bytes; 1,200-byte packets would need " + atQuicDefault);
        }
    }

    /** The kernel's count of UDP datagrams received on this host. */
    private static long udpDatagramsReceived() throws Exception {
        List<String> udp = Files.readAllLines(Path.of("/proc/net/snmp")).stream().filter(l -> l.startsWith("Udp: "))
                .toList();
        List<String> names = List.of(udp.get(0).split(" "));
        return Long.parseLong(udp.get(1).split(" ")[names.indexOf("InDatagrams")]);
    }

    /** A manifest of a large game (the benchmark's 10 GiB game needed 172 KB of JSON) crosses the control stream. */
    @Test
    void largeManifestsArriveAndTooLargeOnesAreRefusedWithAReason() throws Exception {
        ContentSource huge = new ContentSource() {
            @Override
            public Optional<GameManifest> manifest(String id) {
                int chunks = id.equals("big") ? 25_600 : 130_000; // 100 GiB (~1.7 MB of JSON); then over 8 MiB
                List<String> hashes = new ArrayList<>();
                for (int i = 0; i < chunks; i++) {
                    hashes.add(String.format("%064x", i));
                }
                long size = (long) chunks * GameManifest.DEFAULT_CHUNK_SIZE;
                return Optional.of(new GameManifest(id, "1", GameManifest.DEFAULT_CHUNK_SIZE,
                        List.of(new GameManifest.ManifestFile(id + ".rar", size, hashes))));
            }

            @Override
            public Optional<Path> gameFolder(String id) {
                return Optional.empty();
            }
        };
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", huge);
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            assertEquals(huge.manifest("big").orElseThrow(), connection.manifest("big"));
            TransportException tooLarge = assertThrows(TransportException.class, () -> connection.manifest("vast"));
            assertEquals(Reason.REFUSED, tooLarge.reason());
            assertTrue(tooLarge.getMessage().contains("more than the"), tooLarge.getMessage());
            assertEquals(huge.manifest("big").orElseThrow(), connection.manifest("big"), "the connection still works");
        }
    }

    @Test
    void hostileRequestsAreRefusedAndTheServerKeepsServing() throws Exception {
        Path quake = game();
        Files.createSymbolicLink(quake.resolve("escape.rar"), dir.resolve("secret.txt"));
        ContentSource honest = serving("quake3");
        // A content source with a bug: its manifest lists a link that leaves the game folder.
        ContentSource buggy = new ContentSource() {
            @Override
            public Optional<GameManifest> manifest(String id) {
                return honest.manifest(id).map(m -> {
                    List<GameManifest.ManifestFile> files = new ArrayList<>(m.files());
                    files.add(new GameManifest.ManifestFile("escape.rar", 23, List.of("x")));
                    files.add(new GameManifest.ManifestFile("../secret.txt", 23, List.of("x")));
                    return new GameManifest(m.gameId(), m.version(), m.chunkSize(), files);
                });
            }

            @Override
            public Optional<Path> gameFolder(String id) {
                return honest.gameFolder(id);
            }
        };
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback(), "seed", buggy);
                QuicPeerTransport leech = new QuicPeerTransport(dir.resolve("leech"), loopback(), "leech",
                        ContentSource.NONE);
                PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            String v = "20240315";
            int chunk = GameManifest.DEFAULT_CHUNK_SIZE;
            List<ChunkRequest> hostile = List.of(
                    new ChunkRequest("quake3", v, "../secret.txt", 0, 10),
                    new ChunkRequest("quake3", v, "/etc/passwd", 0, 10),
                    new ChunkRequest("quake3", v, "escape.rar", 0, 10),
                    new ChunkRequest("quake3", v, "quake3.part2.rar", 69_990, 20),
                    new ChunkRequest("quake3", v, "quake3.part2.rar", -1, 10),
                    new ChunkRequest("quake3", v, "quake3.part1.rar", 0, chunk + 1),
                    new ChunkRequest("quake3", v, "quake3.part1.rar", 0, 0),
                    new ChunkRequest("quake3", "19990101", "quake3.part2.rar", 0, 10),
                    new ChunkRequest("unreal", v, "unreal.rar", 0, 10),
                    new ChunkRequest("../quake3", v, "quake3.part2.rar", 0, 10));
            for (ChunkRequest request : hostile) {
                TransportException e = assertThrows(TransportException.class,
                        () -> connection.fetch(request, ByteBuffer.allocate(Math.max(0, request.length()))),
                        request.toString());
                assertEquals(Reason.REFUSED, e.reason(), request + ": " + e.getMessage());
            }
            TransportException notServed = assertThrows(TransportException.class, () -> connection.manifest("unreal"));
            assertEquals(Reason.REFUSED, notServed.reason());

            // Broken framing on raw streams: each closes only its own stream.
            QuicStreamChannel oversize = rawStream(connection);
            oversize.writeAndFlush(Unpooled.buffer(8).writeInt(1 << 20).writeZero(4)).sync();
            QuicStreamChannel garbage = rawStream(connection);
            CompletableFuture<String> reply = new CompletableFuture<>();
            garbage.pipeline().addLast(new SimpleChannelInboundHandler<ByteBuf>() {
                @Override
                protected void channelRead0(ChannelHandlerContext ctx, ByteBuf msg) {
                    reply.complete(msg.toString(StandardCharsets.UTF_8));
                }
            });
            byte[] junk = "{not json".getBytes(StandardCharsets.UTF_8);
            garbage.writeAndFlush(Unpooled.buffer().writeInt(junk.length).writeBytes(junk)).sync();
            assertTrue(reply.get(5, TimeUnit.SECONDS).contains("malformed JSON"), "the server says what is wrong");

            // Still serving the well-behaved request.
            ByteBuffer ok = ByteBuffer.allocate(10);
            connection.fetch(new ChunkRequest("quake3", v, "quake3.part2.rar", 0, 10), ok);
            assertEquals(10, ok.position());
            assertTrue(connection.isOpen());
        }
    }

    private static QuicStreamChannel rawStream(PeerConnection connection) throws Exception {
        return ((QuicConnection) connection).quic()
                .createStream(QuicStreamType.BIDIRECTIONAL, new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        // raw: the test writes frames by hand
                    }
                }).get(5, TimeUnit.SECONDS);
    }
}
