package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;

/**
 * A single-peer download of a whole game over the QUIC transport on loopback, against a TLS 1.3-over-TCP copy of
 * the same bytes (JSSE) in the same run. Both receivers hash every 4 MiB chunk and write nothing to disk. Prints
 * the figures and the ratio; asserts nothing about time.
 */
class TransportBenchmark {

    private static final Path ROOT = Path.of(System.getProperty("lanspread.bench.dir", "target/bench-data"));
    private static final long MIB = Long.getLong("lanspread.bench.transfer.mib", 2048);
    private static final int PARALLEL = 8;
    private static final int RUNS = 3;

    @Test
    void downloadOverQuicAgainstTlsOverTcp() throws Exception {
        Path games = ROOT.resolve("transfer-games");
        Path game = Files.createDirectories(games.resolve("biggame"));
        long perFile = MIB * 1024 * 1024 / 4;
        for (int i = 1; i <= 4; i++) {
            Path file = game.resolve("biggame.part" + i + ".rar");
            if (!Files.exists(file) || Files.size(file) != perFile) {
                try (InputStream in = new RarWriter.RandomStream(i, perFile)) {
                    Files.copy(in, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.writeString(game.resolve("version.ini"), "1\n");
        GameLibrary library = Services.await(GameLibraryFactory.class).open(games.resolveSibling("bench-state"), games);
        GameManifest manifest = library.manifest("biggame");
        long total = manifest.totalBytes();
        for (int i = 1; i <= 4; i++) {
            exec("sh", "-c", "cat '" + game.resolve("biggame.part" + i + ".rar") + "' > /dev/null");
        }
        ContentSource content = new ContentSource() {
            @Override
            public Optional<GameManifest> manifest(String gameId) {
                return gameId.equals("biggame") ? Optional.of(manifest) : Optional.empty();
            }

            @Override
            public Optional<Path> gameFolder(String gameId) {
                return gameId.equals("biggame") ? Optional.of(game) : Optional.empty();
            }
        };
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        double[] quic = new double[RUNS];
        double[] tls = new double[RUNS];
        try (QuicPeerTransport seed = new QuicPeerTransport(ROOT.resolve("seed"), loopback, "seed", content);
                QuicPeerTransport leech = new QuicPeerTransport(ROOT.resolve("leech"), loopback, "leech",
                        ContentSource.NONE)) {
            for (int run = 0; run < RUNS; run++) {
                quic[run] = quicDownload(seed, leech, manifest);
                tls[run] = tlsCopy(manifest, game);
            }
        }
        Arrays.sort(quic);
        Arrays.sort(tls);
        double q = quic[RUNS / 2];
        double t = tls[RUNS / 2];
        System.out.printf(Locale.ROOT, "%n=== LanSpread transport benchmark (%d MiB game, loopback, %d cores, median of %d) ===%n"
                + "| case | time | throughput |%n|---|---|---|%n"
                + "| QUIC download, %d chunk requests in flight, SHA-256 verified | %.0f ms (%.0f-%.0f) | %.0f MiB/s |%n"
                + "| TLS 1.3 over TCP copy (JSSE), SHA-256 per 4 MiB | %.0f ms (%.0f-%.0f) | %.0f MiB/s |%n"
                + "| ratio QUIC / TLS-over-TCP | %.2fx | goal >= 1.0x: %s |%n%n",
                total / (1024 * 1024), Runtime.getRuntime().availableProcessors(), RUNS, PARALLEL, q, quic[0],
                quic[RUNS - 1], mibs(total, q), t, tls[0], tls[RUNS - 1], mibs(total, t), t / q,
                t / q >= 1.0 ? "met" : "NOT met");
    }

    private static double mibs(long bytes, double ms) {
        return bytes / 1048576.0 / (ms / 1000);
    }

    /** Fetches every chunk with {@value #PARALLEL} requests in flight and checks each against the manifest. */
    private static double quicDownload(QuicPeerTransport seed, QuicPeerTransport leech, GameManifest manifest)
            throws Exception {
        record Chunk(String path, long offset, int length, String sha) {
        }
        List<Chunk> chunks = new ArrayList<>();
        for (GameManifest.ManifestFile file : manifest.files()) {
            for (int i = 0; i < file.chunks().size(); i++) {
                long offset = (long) i * manifest.chunkSize();
                chunks.add(new Chunk(file.path(), offset, (int) Math.min(manifest.chunkSize(), file.size() - offset),
                        file.chunks().get(i)));
            }
        }
        long start = System.nanoTime();
        try (PeerConnection connection = leech.connect(seed.localAddress(), seed.localId(), Duration.ofSeconds(10))) {
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
            try {
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < PARALLEL; w++) {
                    workers.add(pool.submit(() -> {
                        ByteBuffer buffer = ByteBuffer.allocate(manifest.chunkSize());
                        MessageDigest sha = MessageDigest.getInstance("SHA-256");
                        for (int i; (i = next.getAndIncrement()) < chunks.size();) {
                            Chunk c = chunks.get(i);
                            buffer.clear();
                            connection.fetch(new ChunkRequest("biggame", manifest.version(), c.path(), c.offset(),
                                    c.length()), buffer);
                            sha.update(buffer.array(), 0, c.length());
                            if (!HexFormat.of().formatHex(sha.digest()).equals(c.sha())) {
                                throw new IllegalStateException("bad chunk " + c);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> worker : workers) {
                    worker.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
        return (System.nanoTime() - start) / 1e6;
    }

    /** Copies the same files over one TLS 1.3 connection; the receiver hashes every 4 MiB. */
    private static double tlsCopy(GameManifest manifest, Path game) throws Exception {
        Path keystore = ROOT.resolve("tls.p12");
        if (!Files.exists(keystore)) {
            exec("keytool", "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1", "-alias", "bench", "-dname",
                    "CN=bench", "-validity", "365", "-storetype", "PKCS12", "-keystore", keystore.toString(),
                    "-storepass", "benchpass");
        }
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, "benchpass".toCharArray());
        }
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, "benchpass".toCharArray());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLSv1.3");
        context.init(keys.getKeyManagers(), trust.getTrustManagers(), null);
        long total = manifest.totalBytes();
        int chunkSize = manifest.chunkSize();
        try (SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 1,
                InetAddress.getLoopbackAddress())) {
            server.setEnabledProtocols(new String[] { "TLSv1.3" });
            Thread sender = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept(); OutputStream out = socket.getOutputStream()) {
                    byte[] buffer = new byte[1 << 16];
                    for (GameManifest.ManifestFile file : manifest.files()) {
                        try (InputStream in = Files.newInputStream(game.resolve(file.path()))) {
                            int n;
                            while ((n = in.read(buffer)) > 0) {
                                out.write(buffer, 0, n);
                            }
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "tls-sender");
            long start = System.nanoTime();
            sender.start();
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(),
                    server.getLocalPort()); InputStream in = socket.getInputStream()) {
                byte[] chunk = new byte[chunkSize];
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                long received = 0;
                int filled = 0;
                int n;
                while ((n = in.read(chunk, filled, chunk.length - filled)) > 0) {
                    filled += n;
                    received += n;
                    if (filled == chunk.length) {
                        sha.update(chunk, 0, filled);
                        sha.digest();
                        filled = 0;
                    }
                }
                sha.update(chunk, 0, filled);
                sha.digest();
                assertEquals(total, received);
            }
            sender.join();
            return (System.nanoTime() - start) / 1e6;
        }
    }

    private static void exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), String.join(" ", command) + ": " + out);
    }
}
