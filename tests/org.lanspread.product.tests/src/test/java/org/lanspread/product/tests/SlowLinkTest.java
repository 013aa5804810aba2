package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A download over a slow link (two installed products, headless, on a LAN of network namespaces whose ports are
 * shaped to 16 Mbit): the seed sends the chunks a downloader has in flight one after another, so the first is
 * verified (and could be passed on) long before the last, and its control messages (pings, offers) go ahead of the
 * chunk data, so the connection never times out while megabytes wait in the seed's send queue. Runs beside the
 * first class, as LanFloodTest, one lab at a time.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NetLab.LOCK)
class SlowLinkTest {

    private static final long MIB = 1024 * 1024;
    private static final Pattern VERIFIED = Pattern.compile("download slowgame: fetching +[\\d.]+% [1-9]\\d*/");
    private static Path script;

    @BeforeAll
    static void installProduct() throws Exception {
        Assumptions.assumeTrue(NetLab.available(), "network namespaces need root");
        script = HeadlessPeersTest.install("slow-link-product");
    }

    @Test
    void chunksInFlightArriveInTurnAndTheConnectionOutlivesTheQueue() throws Exception {
        Path root = HeadlessPeersTest.root("slow-link");
        try (NetLab lab = NetLab.lan("seed", "downloader")) {
            lab.shape("seed", "16mbit");
            lab.shape("downloader", "16mbit");
            HeadlessPeer seed = new HeadlessPeer(script, root, "seed", 47800, "").on(lab, "seed");
            // 9 chunks of 4 MiB (the last one small): ~18 s at 16 Mbit, four in flight at a time.
            HeadlessPeersTest.game(seed.games, "slowgame", "2", 32 * MIB + 4099, 21);
            HeadlessPeer downloader = new HeadlessPeer(script, root, "downloader", 47800, "").on(lab, "downloader");
            try {
                seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
                downloader.start(List.of(), "download", "slowgame", "--wait", "30");
                downloader.awaitLine("download slowgame: fetching ", 60);
                long fetching = System.nanoTime();
                downloader.awaitLine(VERIFIED.pattern(), 120);
                double first = (System.nanoTime() - fetching) / 1e9;
                assertEquals(0, downloader.await(120), downloader.output());
                double all = (System.nanoTime() - fetching) / 1e9;
                HeadlessPeersTest.assertSameDownload(seed.games.resolve("slowgame"),
                        downloader.games.resolve("slowgame"));
                System.out.printf(Locale.ROOT, "[slow] 33 MiB over 16 Mbit ports: the first chunk verified %.1f s"
                        + " into the fetch, all of them %.1f s (%.0f%%)%n", first, all, 100 * first / all);
                // In turn, the first of the four in flight is done after a quarter to a half of their time (2-4 s of
                // ~18 s); interleaved, the four end together (~9 s).
                assertTrue(first <= 0.35 * all, "the first chunk verified " + first + " s into a fetch of " + all
                        + " s: the chunks in flight were sent interleaved, not in turn");
                for (HeadlessPeer peer : List.of(seed, downloader)) {
                    assertFalse(peer.output().contains("TIMEOUT"), peer.name + " timed a peer out:\n"
                            + peer.output());
                }
            } finally {
                downloader.close();
                seed.close();
            }
        }
    }
}
