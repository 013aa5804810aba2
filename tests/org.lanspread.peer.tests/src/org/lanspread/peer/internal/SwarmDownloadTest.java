package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.files.GameFolders;

/** Downloads between whole runtimes over real QUIC on loopback. */
class SwarmDownloadTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    static void copyGame(Path from, Path to) throws IOException {
        GameFolders.copyDownload(from, to);
    }

    static void assertSameDownload(Path expected, Path actual) throws IOException {
        GameFolders.assertSameDownload(expected, actual);
    }

    private static GameView view(TestPeer peer, String id) {
        return peer.core.snapshot().games().stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
    }

    @Test
    void aGameIsDownloadedByteExactFromOneSeedAndThenServedByTheDownloader() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "quake3", "20240315", 14 * MIB + 123, 1);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                leech.awaitOffered("quake3", 1);
                assertEquals(GameState.ON_PEERS, view(leech, "quake3").state());
                List<PeerSummary> peers = leech.run(new RuntimeCommand.ListPeers());
                assertEquals(List.of("seed"), peers.stream().map(PeerSummary::name).toList());

                OperationOutcome outcome = leech.run(new RuntimeCommand.Download("quake3"));
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                assertEquals("20240315", outcome.version());
                // The player's summary: the catalog's name, size, time and the peer; the figures stay in the message.
                assertTrue(outcome.summary().matches(
                        "Quake III Arena 20240315 is downloaded — 14 MiB in \\d+ s from seed"), outcome.summary());
                assertTrue(outcome.message().contains(" resumed, "), outcome.message());
                assertSameDownload(seed.games.resolve("quake3"), leech.games.resolve("quake3"));
                GameView after = view(leech, "quake3");
                assertEquals(GameState.DOWNLOADED, after.state());
                assertNull(after.operation());
                assertTrue(leech.core.snapshot().operations().isEmpty());

                // The downloader now offers it: a third peer sees two sources.
                try (TestPeer third = TestPeer.builder(dir, "third").seeds(seed, leech).start()) {
                    third.awaitOffered("quake3", 2);
                }
                List<TestPeer.Posted> ended = leech.events(RuntimeTopics.OPERATION_ENDED);
                assertEquals(1, ended.size());
                assertEquals("COMPLETED", ended.get(0).properties().get(RuntimeTopics.RESULT));
                assertEquals(outcome, ended.get(0).properties().get(RuntimeTopics.OUTCOME_PROPERTY),
                        "the posted outcome carries the summary too");
            }
        }
    }

    @Test
    void threeSeedsShareTheWorkAndALyingSeedIsDroppedWhileTheGameStaysExact() throws Exception {
        Path original = dir.resolve("original");
        TestPeer.seedGame(original, "ut99", "436", 40 * MIB, 7);
        TestPeer a = TestPeer.builder(dir, "seed-a").create();
        TestPeer b = TestPeer.builder(dir, "seed-b").create();
        TestPeer liar = TestPeer.builder(dir, "liar").create();
        for (TestPeer seed : List.of(a, b, liar)) {
            copyGame(original.resolve("ut99"), seed.games.resolve("ut99"));
            seed.core.start();
        }
        // The liar hashes its honest copy, then its disk "rots": every chunk of every volume is flipped, with size and
        // modification time kept, so it keeps serving the old hashes with bad bytes. It does not check what it sends,
        // as a LanSpread before the send-side check (all peers of this framework share the switch: the others are
        // honest anyway); a checking peer refuses such chunks instead (OfferIntegrityTest).
        TestPeer.await("the liar to offer ut99 once its archives passed their check", 30,
                () -> liar.core.content().announced().stream().anyMatch(g -> g.id().equals("ut99")));
        liar.core.library().manifest("ut99");
        try (Stream<Path> volumes = Files.list(liar.games.resolve("ut99"))) {
            for (Path rotten : volumes.filter(p -> p.toString().endsWith(".rar")).toList()) {
                FileTime mtime = Files.getLastModifiedTime(rotten);
                try (FileChannel channel = FileChannel.open(rotten, StandardOpenOption.WRITE)) {
                    for (long offset = 1000; offset < Files.size(rotten); offset += 4 * MIB) {
                        channel.write(ByteBuffer.wrap(new byte[] { 0x55, 0x55 }), offset);
                    }
                }
                Files.setLastModifiedTime(rotten, mtime);
            }
        }
        System.setProperty("lanspread.serve.verify", "false");
        try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(a, b, liar).start()) {
            leech.awaitOffered("ut99", 3);
            OperationOutcome outcome = leech.run(new RuntimeCommand.Download("ut99"));
            System.out.println("[swarm] " + outcome.message());
            assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
            assertSameDownload(original.resolve("ut99"), leech.games.resolve("ut99"));
            List<TestPeer.Posted> dropped = leech.events(RuntimeTopics.PEER_DROPPED);
            assertEquals(1, dropped.size(), "the liar is reported once: " + dropped);
            assertEquals(liar.core.transport().localId().hex(), dropped.get(0).properties().get(RuntimeTopics.PEER));
            assertTrue(outcome.message().contains("dropped"), outcome.message());
            // Both honest seeds shared the work: each sent verified chunks that were kept.
            for (TestPeer seed : List.of(a, b)) {
                long received = leech.core.transport().traffic().getOrDefault(seed.core.transport().localId(),
                        org.lanspread.api.transport.PeerTraffic.NONE).bytesReceived();
                assertTrue(received >= 4 * MIB, seed.name + " sent at least a chunk: " + received + " bytes");
            }
        } finally {
            System.clearProperty("lanspread.serve.verify");
            a.close();
            b.close();
            liar.close();
        }
    }

    @Test
    void allPeersLeavingStopsTheDownloadWithAllPeersGoneOnlyAndItResumesWithoutRefetching() throws Exception {
        int port;
        try (var socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        TestPeer seed = TestPeer.builder(dir, "seed").port(port).uploads(new UploadLimits(0, 8 * MIB, 0)).create();
        TestPeer.seedGame(seed.games, "doom", "1.9", 48 * MIB, 3);
        seed.core.start();
        try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
            leech.awaitOffered("doom", 1);
            var pending = leech.core.submit(new RuntimeCommand.Download("doom"));
            TestPeer.await("some progress", 30, () -> {
                GameView g = view(leech, "doom");
                return g != null && g.operation() != null && g.operation().bytesDone() >= 12 * MIB;
            });
            assertEquals(GameState.DOWNLOADING, view(leech, "doom").state());
            seed.close(); // says goodbye
            OperationOutcome gone = pending.get(30, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(Result.ALL_PEERS_GONE, gone.result(), gone.message());
            List<TestPeer.Posted> ended = leech.events(RuntimeTopics.OPERATION_ENDED);
            assertEquals(1, ended.size(), "exactly one end event: " + ended);
            assertEquals("ALL_PEERS_GONE", ended.get(0).properties().get(RuntimeTopics.RESULT));
            assertTrue(leech.core.snapshot().operations().isEmpty(), "the guard cleared the download");
            assertFalse(Files.exists(leech.games.resolve("doom/version.ini")), "never complete before it is");
            assertEquals(GameState.INCOMPLETE, view(leech, "doom").state());

            // The seed comes back at the same address; the download resumes from its journal.
            try (TestPeer again = TestPeer.builder(dir, "seed").port(port).start()) {
                leech.awaitOffered("doom", 1);
                OperationOutcome resumed = leech.run(new RuntimeCommand.Install("doom"));
                System.out.println("[resume] " + gone.message() + " / then: " + resumed.message());
                assertEquals(Result.COMPLETED, resumed.result(), resumed.message());
                assertEquals(OperationKind.INSTALL, resumed.kind());
                assertSameDownload(again.games.resolve("doom"), leech.games.resolve("doom"));
                Figures stats = figures(resumed);
                assertEquals(0, figures(gone).refetched(), "one (slow) seed: no chunk is fetched twice from it");
                assertEquals(0, stats.refetched(), "nor after the resume: " + resumed.message());
                assertTrue(stats.resumed() >= 12 * MIB, "kept what was verified: " + resumed.message());
                assertTrue(stats.fetched() <= 48 * MIB - stats.resumed() + 2 * 4 * MIB,
                        "at most one chunk per file fetched again: " + resumed.message());
                assertTrue(Files.isRegularFile(leech.games.resolve("doom/local/game/data.bin")), "installed");
                assertEquals(GameState.INSTALLED, view(leech, "doom").state());
            }
        }
    }

    @Test
    void aSlowSingleSeedIsNeverAskedTwiceForTheSameChunk() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(0, 2 * MIB, 0)).create()) {
            TestPeer.seedGame(seed.games, "slowpoke", "1", 10 * MIB, 8);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                leech.awaitOffered("slowpoke", 1);
                OperationOutcome outcome = leech.run(new RuntimeCommand.Download("slowpoke"));
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                // Every chunk is in flight at once (four fetch slots) and each takes seconds: end-game copies must
                // come from another peer, never from the one already sending the chunk.
                assertEquals(0, figures(outcome).refetched(), outcome.message());
                assertSameDownload(seed.games.resolve("slowpoke"), leech.games.resolve("slowpoke"));
            }
        }
    }

    /**
     * Cancel does not wait for the chunks on the way: with a seed capped to 256 KiB/s, each 4 MiB chunk takes ~16 s
     * to come, and the fetch workers wait in the transport. A Cancel interrupts those waits; the download ends
     * CANCELLED within seconds (it took until a chunk arrived before), and it resumes later.
     */
    @Test
    void aCancelEndsTheDownloadWithoutWaitingForTheChunksOnTheWay() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(0, 256 * 1024, 0)).create()) {
            TestPeer.seedGame(seed.games, "crawl", "1", 12 * MIB, 9);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                leech.awaitOffered("crawl", 1);
                var download = leech.core.submit(new RuntimeCommand.Download("crawl"));
                TestPeer.await("the download to fetch chunks", 20, () -> leech.core.snapshot().operations().stream()
                        .anyMatch(o -> o.gameId().equals("crawl") && "fetching".equals(o.phase())));
                Thread.sleep(500); // the fetch workers are now waiting for their chunks
                long start = System.nanoTime();
                assertEquals(Boolean.TRUE, leech.run(new RuntimeCommand.Cancel("crawl")));
                OperationOutcome outcome = TestPeer.within(download, 30, "the cancelled download to end");
                long tookMillis = (System.nanoTime() - start) / 1_000_000;
                assertEquals(Result.CANCELLED, outcome.result(), outcome.message());
                assertTrue(tookMillis < 5_000, "the download ended " + tookMillis + " ms after Cancel");
                assertEquals(GameState.INCOMPLETE, view(leech, "crawl").state(), "kept, to resume");
            }
        }
    }

    private static List<String> offeredBy(TestPeer observer, TestPeer peer, String gameId) throws Exception {
        return observer.run(new RuntimeCommand.ListPeers()).stream()
                .filter(p -> p.id().equals(peer.core.transport().localId())).flatMap(p -> p.games().stream())
                .filter(g -> g.id().equals(gameId)).map(g -> g.version()).toList();
    }

    @Test
    void aGameIsNotOfferedToPeersWhileAnOperationRunsOnIt() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(0, 4 * MIB, 0)).create()) {
            TestPeer.seedGame(seed.games, "ut", "2", 24 * MIB, 5);
            seed.core.start();
            TestPeer middle = TestPeer.builder(dir, "middle").seeds(seed).create();
            TestPeer.seedGame(middle.games, "ut", "1", MIB, 6);
            middle.core.start();
            assertEquals(Result.COMPLETED, middle.run(new RuntimeCommand.Install("ut")).result());
            try (TestPeer observer = TestPeer.builder(dir, "observer").seeds(seed, middle).start()) {
                TestPeer.await("the observer to see middle offer ut 1", 20,
                        () -> uncheck(() -> offeredBy(observer, middle, "ut")).equals(List.of("1")));
                // middle fetches ut 2 from the (slow) seed, then reinstalls: all the while it must not offer ut.
                TestPeer.await("middle to see the seed's ut 2", 20, () -> view(middle, "ut") != null
                        && "2".equals(view(middle, "ut").peerVersion()));
                var update = middle.core.submit(new RuntimeCommand.Update("ut"));
                TestPeer.await("the observer to stop seeing middle offer ut", 10,
                        () -> uncheck(() -> offeredBy(observer, middle, "ut")).isEmpty());
                assertEquals(GameState.UPDATING, view(middle, "ut").state());
                OperationOutcome done = update.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(Result.COMPLETED, done.result(), done.message());
                TestPeer.await("the observer to see middle offer ut 2", 10,
                        () -> uncheck(() -> offeredBy(observer, middle, "ut")).equals(List.of("2")));
                observer.awaitOffered("ut", 2);
            } finally {
                middle.close();
            }
        }
    }

    interface Check<T> {
        T get() throws Exception;
    }

    static <T> T uncheck(Check<T> check) {
        try {
            return check.get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The figures in an outcome message: "(T bytes, R resumed, F fetched, X re-fetched, from N peer(s))". */
    record Figures(long total, long resumed, long fetched, long refetched) {
    }

    static Figures figures(OperationOutcome outcome) {
        var m = java.util.regex.Pattern.compile("\\((\\d+) bytes, (\\d+) resumed, (\\d+) fetched, (\\d+) re-fetched")
                .matcher(outcome.message());
        assertTrue(m.find(), "figures in: " + outcome.message());
        return new Figures(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)));
    }

}
