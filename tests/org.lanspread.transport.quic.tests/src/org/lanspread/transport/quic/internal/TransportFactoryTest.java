package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;

/** Transports opened through the factory service: settings, content, stop signal and upload caps. */
class TransportFactoryTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private PeerTransport open(String name, ContentSource content, UploadLimits limits) throws IOException {
        return Services.await(PeerTransportFactory.class).open(new TransportSettings(dir.resolve(name),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), name, limits), content);
    }

    @Test
    void theFactoryOpensATransportThatServesTheGivenContent() throws Exception {
        AnnouncedGame quake = new AnnouncedGame("quake3", "1", 10);
        ContentSource content = new ContentSource() {
            @Override
            public List<AnnouncedGame> announced() {
                return List.of(quake);
            }
        };
        try (PeerTransport seed = open("seed", content, UploadLimits.UNLIMITED);
                PeerTransport client = open("client", ContentSource.NONE, UploadLimits.UNLIMITED)) {
            CompletableFuture<List<AnnouncedGame>> library = new CompletableFuture<>();
            client.addListener(new PeerListener() {
                @Override
                public void libraryReceived(PeerId peer, List<AnnouncedGame> games) {
                    library.complete(games);
                }
            });
            try (PeerConnection connection = client.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
                assertEquals("seed", connection.remoteHello().name());
                assertEquals(List.of(quake), library.get(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aTakenPortIsAClearErrorAndACloseCompletesTheStopSignalNormally() throws Exception {
        PeerTransport first = open("first", ContentSource.NONE, UploadLimits.UNLIMITED);
        InetSocketAddress taken = first.localAddress();
        IOException e = assertThrows(IOException.class, () -> Services.await(PeerTransportFactory.class)
                .open(new TransportSettings(dir.resolve("second"), taken, "second", UploadLimits.UNLIMITED),
                        ContentSource.NONE));
        assertTrue(e.getMessage().contains(taken.toString()), e.getMessage());

        assertFalse(first.stopped().toCompletableFuture().isDone());
        first.close();
        first.stopped().toCompletableFuture().get(1, TimeUnit.SECONDS); // normal completion
    }

    /**
     * The kernel aborts the listening socket (sock_diag SOCK_DESTROY through {@code ss -K}, as when the address goes
     * away): the transport stops, and its stop signal fails with the address and the socket's error, so the runtime's
     * supervisor sees its Required service fail instead of a socket that silently receives nothing more.
     */
    @Test
    void aSocketTheKernelAbortsStopsTheTransportWithTheReason() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "ss -K needs root (CI runs as root, where scripts/test fails on a skip)");
        PeerTransport failing = open("failing", ContentSource.NONE, UploadLimits.UNLIMITED);
        try {
            int port = failing.localAddress().getPort();
            Process ss = new ProcessBuilder("ss", "-K", "-u", "-a", "sport = :" + port).redirectErrorStream(true)
                    .start();
            String said = new String(ss.getInputStream().readAllBytes());
            assertEquals(0, ss.waitFor(), "ss -K: " + said);
            ExecutionException failure = assertThrows(ExecutionException.class,
                    () -> failing.stopped().toCompletableFuture().get(5, TimeUnit.SECONDS));
            String message = failure.getCause().getMessage();
            assertTrue(message.contains("closed unexpectedly") && message.contains(":" + port)
                    && message.contains("connection abort"), message);
        } finally {
            failing.close();
        }
    }

    /** A seed serving one 16 MiB file in four chunks. */
    private ContentSource oneFile(Path folder) throws Exception {
        Files.createDirectories(folder);
        try (var in = new RarWriter.RandomStream(5, 16L * MIB)) {
            Files.copy(in, folder.resolve("data.rar"));
        }
        // The real chunk hashes: a seed checks each chunk against its manifest before it sends it.
        byte[] data = Files.readAllBytes(folder.resolve("data.rar"));
        List<String> hashes = new ArrayList<>();
        for (int offset = 0; offset < data.length; offset += 4 * MIB) {
            java.security.MessageDigest sha256 = java.security.MessageDigest.getInstance("SHA-256");
            sha256.update(data, offset, Math.min(4 * MIB, data.length - offset));
            hashes.add(java.util.HexFormat.of().formatHex(sha256.digest()));
        }
        GameManifest manifest = new GameManifest("capped", "1", 4 * MIB, List.of(new GameManifest.ManifestFile(
                "data.rar", 16L * MIB, hashes)));
        return new ContentSource() {
            @Override
            public Optional<GameManifest> manifest(String gameId) {
                return Optional.of(manifest).filter(m -> m.gameId().equals(gameId));
            }

            @Override
            public Optional<Path> gameFolder(String gameId) {
                return Optional.of(folder).filter(f -> gameId.equals("capped"));
            }
        };
    }

    /** Fetches the four chunks in parallel; returns the seconds it took. */
    private double fetchAll(PeerTransport seed, PeerTransport client) throws Exception {
        long start = System.nanoTime();
        try (PeerConnection connection = client.connect(seed.localAddress(), seed.localId(), TIMEOUT)) {
            List<CompletableFuture<Void>> fetches = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long offset = (long) i * 4 * MIB;
                fetches.add(CompletableFuture.runAsync(() -> {
                    try {
                        connection.fetch(new ChunkRequest("capped", "1", "data.rar", offset, 4 * MIB),
                                ByteBuffer.allocate(4 * MIB));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }));
            }
            CompletableFuture.allOf(fetches.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    @Test
    void uploadsStayWithinThePerPeerRateCapAndTheConcurrencyCap() throws Exception {
        ContentSource content = oneFile(dir.resolve("content"));
        // 16 MiB at 8 MiB/s: the fourth chunk may not start before 12 MiB / 8 MiB/s = 1.5 s.
        try (QuicPeerTransport seed = (QuicPeerTransport) open("seed", content, new UploadLimits(0, 8 * MIB, 1));
                PeerTransport client = open("client", ContentSource.NONE, UploadLimits.UNLIMITED)) {
            double seconds = fetchAll(seed, client);
            assertTrue(seconds >= 1.45, "16 MiB at a cap of 8 MiB/s took only " + seconds + " s");
            assertEquals(1, seed.peakUploads(), "one upload at a time with a concurrency cap of 1");
        }
        try (QuicPeerTransport seed = (QuicPeerTransport) open("seed2", content, new UploadLimits(16 * MIB, 0, 0));
                PeerTransport client = open("client2", ContentSource.NONE, UploadLimits.UNLIMITED)) {
            double seconds = fetchAll(seed, client);
            // An idle pacer lends a quarter second (here one chunk), so the fourth chunk may not start before
            // (12 MiB - 4 MiB) / 16 MiB/s = 0.5 s; how long its 4 MiB then take on loopback is not the cap's doing.
            assertTrue(seconds >= 0.49, "16 MiB at a global cap of 16 MiB/s took only " + seconds + " s");
            assertTrue(seed.peakUploads() > 1, "without a concurrency cap, chunks are served in parallel");
        }
    }
}
