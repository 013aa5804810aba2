package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.testing.rar.RarWriter;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.channel.EventLoopGroup;

/**
 * Peers that request chunks and never read them: the server holds at most its upload budget of direct memory for
 * them, runs out of none, closes them once they stall, and a peer that reads is served at its usual pace meanwhile.
 */
class UploadBoundsTest {

    private static final int CHUNK = 4 << 20;
    private static final long SIZE = 48L << 20;

    @TempDir
    Path dir;

    /** One game, "quake3" 1, one file of {@link #SIZE} random bytes, with its real manifest. */
    private ContentSource game() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("games/quake3"));
        try (InputStream in = new RarWriter.RandomStream(7, SIZE)) {
            Files.copy(in, folder.resolve("data.bin"));
        }
        List<String> hashes = new ArrayList<>();
        byte[] all = Files.readAllBytes(folder.resolve("data.bin"));
        for (int offset = 0; offset < all.length; offset += CHUNK) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(all, offset, Math.min(CHUNK, all.length - offset));
            hashes.add(HexFormat.of().formatHex(sha.digest()));
        }
        GameManifest manifest = new GameManifest("quake3", "1", CHUNK,
                List.of(new GameManifest.ManifestFile("data.bin", SIZE, hashes)));
        return new ContentSource() {
            @Override
            public List<AnnouncedGame> announced() {
                return List.of(new AnnouncedGame("quake3", "1", SIZE));
            }

            @Override
            public Optional<GameManifest> manifest(String gameId) {
                return gameId.equals("quake3") ? Optional.of(manifest) : Optional.empty();
            }

            @Override
            public Optional<Path> gameFolder(String gameId) {
                return gameId.equals("quake3") ? Optional.of(folder) : Optional.empty();
            }
        };
    }

    /** Downloads the whole file with four chunk requests in flight, as a downloader does; checks every chunk. */
    private static double download(PeerConnection connection) throws Exception {
        GameManifest manifest = connection.manifest("quake3");
        GameManifest.ManifestFile file = manifest.files().get(0);
        ExecutorService fetchers = Executors.newFixedThreadPool(4);
        long started = System.nanoTime();
        try {
            List<Future<?>> chunks = new ArrayList<>();
            for (int i = 0; i < file.chunks().size(); i++) {
                int index = i;
                chunks.add(fetchers.submit(() -> {
                    long offset = (long) index * CHUNK;
                    int length = (int) Math.min(CHUNK, file.size() - offset);
                    ByteBuffer into = ByteBuffer.allocate(length);
                    connection.fetch(new ChunkRequest("quake3", "1", "data.bin", offset, length), into);
                    MessageDigest sha = MessageDigest.getInstance("SHA-256");
                    sha.update(into.flip());
                    assertEquals(file.chunks().get(index), HexFormat.of().formatHex(sha.digest()), "chunk " + index);
                    return null;
                }));
            }
            for (Future<?> chunk : chunks) {
                chunk.get(120, TimeUnit.SECONDS);
            }
        } finally {
            fetchers.shutdownNow();
        }
        return (System.nanoTime() - started) / 1e9;
    }

    @Test
    void sixPeersThatNeverReadHoldTheBudgetAtMostAndAReaderIsServedMeanwhile() throws Exception {
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        EventLoopGroup attackers = EventLoops.group(1);
        List<RawPeer> slow = new ArrayList<>();
        try (QuicPeerTransport seed = new QuicPeerTransport(dir.resolve("seed"), loopback, "seed", game());
                QuicPeerTransport reader = new QuicPeerTransport(dir.resolve("reader"), loopback, "reader",
                        ContentSource.NONE);
                PeerConnection connection = reader.connect(seed.localAddress(), seed.localId(),
                        Duration.ofSeconds(10))) {
            download(connection); // warms the code paths
            double alone = download(connection);

            // Six peers, each with 60 full-chunk requests whose streams it never reads (it lets 1 MiB in on each),
            // while it answers on its control stream like a live peer.
            for (int p = 0; p < 6; p++) {
                RawPeer peer = new RawPeer(dir.resolve("slow" + p), attackers, seed.localAddress(), 256 << 20,
                        1 << 20);
                slow.add(peer);
                peer.helloed();
                for (int r = 0; r < 60; r++) {
                    peer.stream(false).send("{\"type\":\"chunk\",\"gameId\":\"quake3\",\"version\":\"1\","
                            + "\"path\":\"data.bin\",\"offset\":" + (long) (r % 12) * CHUNK + ",\"length\":" + CHUNK
                            + "}");
                }
            }
            AtomicLong peakDirect = new AtomicLong();
            Thread sampler = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    peakDirect.accumulateAndGet(((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric()
                            .usedDirectMemory(), Math::max);
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            sampler.start();
            Thread.sleep(1000);
            double attacked = download(connection);
            Thread.sleep(Math.max(0, UploadBudget.STALL.toMillis() + 2000 - 1000 - (long) (attacked * 1000)));
            sampler.interrupt();
            sampler.join();
            long closed = slow.stream().filter(p -> !seed.connectedPeers().contains(p.identity.id())).count();
            UploadBudget budget = seed.uploads.budget();
            System.out.printf(java.util.Locale.ROOT, "[uploads] 48 MiB with 4 requests in flight: %.2f s alone, %.2f s"
                    + " while 6 peers held 360 unread full-chunk requests (%.2fx); upload bytes held at most %d MiB"
                    + " (budget %d MiB); the allocator's direct memory at most %d MiB; %d of 6 non-readers closed by"
                    + " the server within %d s (%d for holding bytes they did not take, the others when their liveness"
                    + " timed out)%n", alone, attacked, attacked / alone, budget.peak() >> 20,
                    UploadBudget.GLOBAL_BYTES >> 20, peakDirect.get() >> 20, closed, UploadBudget.STALL.toSeconds() + 2,
                    budget.stallsClosed());
            assertTrue(budget.peak() <= UploadBudget.GLOBAL_BYTES, "held " + budget.peak());
            assertTrue(peakDirect.get() <= UploadBudget.GLOBAL_BYTES + (64 << 20), "direct memory "
                    + (peakDirect.get() >> 20) + " MiB");
            assertTrue(attacked <= 2 * alone + 0.25, "the reader's download: " + attacked + " s, alone " + alone);
            // Whatever is left of them goes away: everything they held is released.
            slow.forEach(RawPeer::close);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (budget.held() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, budget.held(), "released: " + budget.describe());
            download(connection); // and the reader is still served
        } finally {
            slow.forEach(RawPeer::close);
            attackers.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
