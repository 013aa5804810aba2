package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTraffic;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.files.GameFolders;

/**
 * The LAN-party case with whole runtimes over real QUIC on loopback: one seed with a capped uplink and downloaders
 * started together, which serve each other the chunks they have verified while they download (partial offers).
 */
class PartyDownloadTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static long sentBy(TestPeer peer) {
        return peer.core.transport().traffic().values().stream().mapToLong(PeerTraffic::bytesSent).sum();
    }

    private static long receivedFrom(TestPeer peer, TestPeer from) {
        return peer.core.transport().traffic().getOrDefault(from.core.transport().localId(), PeerTraffic.NONE)
                .bytesReceived();
    }

    @Test
    void aSlowSeedAndThreeDownloadersTogetherSpreadTheGameAmongThemselves() throws Exception {
        long size = 96 * MIB; // 24 chunks: the seed's few duplicates (two downloaders picking one chunk) weigh little
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(8 * MIB, 0, 0)).create()) {
            TestPeer.seedGame(seed.games, "quake3", "20240315", size, 21);
            seed.core.start();
            TestPeer.await("the seed to offer quake3", 30,
                    () -> seed.core.content().announced().stream().anyMatch(g -> g.id().equals("quake3")));
            List<TestPeer> leeches = new ArrayList<>();
            try {
                for (String name : List.of("leech-a", "leech-b", "leech-c")) {
                    List<TestPeer> known = new ArrayList<>(leeches);
                    known.add(0, seed);
                    leeches.add(TestPeer.builder(dir, name).seeds(known.toArray(TestPeer[]::new)).start());
                }
                for (TestPeer leech : leeches) {
                    leech.awaitOffered("quake3", 1);
                    TestPeer.await(leech.name + " to be connected to the other downloaders", 20, () -> leeches
                            .stream().filter(l -> l != leech).allMatch(l -> leech.core.transport().connectedPeers()
                                    .contains(l.core.transport().localId())));
                }
                long started = System.nanoTime();
                List<CompletableFuture<OperationOutcome>> downloads = leeches.stream()
                        .map(l -> l.core.submit(new RuntimeCommand.Download("quake3"))).toList();
                Visible visible = new Visible(leeches);
                Thread watcher = Thread.ofPlatform().daemon().start(visible);
                for (int i = 0; i < leeches.size(); i++) {
                    OperationOutcome outcome = TestPeer.within(downloads.get(i), 180, leeches.get(i).name);
                    System.out.println("[party] " + leeches.get(i).name + ": " + outcome.message());
                    assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                watcher.interrupt();
                watcher.join(5_000);
                System.out.println("[party] visible: " + visible);
                for (TestPeer leech : leeches) {
                    assertTrue(visible.mostSources.getOrDefault(leech.name, 0) >= 2, leech.name
                            + "'s download showed it fetched from the seed and another downloader: " + visible);
                    assertTrue(visible.sawDownloading.contains(leech.name), "the others' peer lists showed "
                            + leech.name + " downloading quake3, part way, out of 24 chunks or more: " + visible);
                }
                for (TestPeer leech : leeches) {
                    GameFolders.assertSameDownload(seed.games.resolve("quake3"), leech.games.resolve("quake3"));
                }
                long sent = sentBy(seed);
                StringBuilder figures = new StringBuilder(String.format(Locale.ROOT,
                        "[party] %d downloaders in %.1f s; the seed (8 MiB/s) sent %.2fx the game", leeches.size(),
                        seconds, sent / (double) size));
                for (TestPeer leech : leeches) {
                    figures.append(String.format(Locale.ROOT, "; %s got %d MiB from the seed, %d MiB from the others",
                            leech.name, receivedFrom(leech, seed) / MIB, leeches.stream().filter(l -> l != leech)
                                    .mapToLong(l -> receivedFrom(leech, l)).sum() / MIB));
                }
                System.out.println(figures);
                assertTrue(sent <= size * 3 / 2, figures.toString());
                for (TestPeer leech : leeches) {
                    long fromOthers = leeches.stream().filter(l -> l != leech).mapToLong(l -> receivedFrom(leech, l))
                            .sum();
                    assertTrue(fromOthers > 0, leech.name + " received chunks from the other downloaders: " + figures);
                }
            } finally {
                for (TestPeer leech : leeches) {
                    leech.close();
                }
            }
        }
    }

    /**
     * What the downloaders' runtimes show while the party runs, sampled every 50 ms: the most peers each one's
     * download fetched from at once, and which downloaders another one's peer list showed part way through quake3.
     */
    private static final class Visible implements Runnable {
        final java.util.Map<String, Integer> mostSources = new java.util.concurrent.ConcurrentHashMap<>();
        final java.util.Set<String> sawDownloading = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final List<TestPeer> leeches;

        Visible(List<TestPeer> leeches) {
            this.leeches = leeches;
        }

        @Override
        public void run() {
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    for (TestPeer leech : leeches) {
                        leech.core.snapshot().operations().forEach(o -> mostSources.merge(leech.name, o.peers(),
                                Math::max));
                        for (var peer : leech.core.submit(new RuntimeCommand.ListPeers()).get()) {
                            for (var download : peer.downloading()) {
                                if (download.gameId().equals("quake3") && download.chunksTotal() >= 24
                                        && download.fraction() > 0 && download.fraction() < 1) {
                                    leeches.stream().filter(l -> id(l).equals(peer.id()))
                                            .forEach(l -> sawDownloading.add(l.name));
                                }
                            }
                        }
                    }
                    Thread.sleep(50);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public String toString() {
            return "most sources " + mostSources + ", seen downloading " + sawDownloading;
        }
    }

    static PeerId id(TestPeer peer) {
        return peer.core.transport().localId();
    }

    /** Bytes the peer's download of {@code id} has verified so far (0 when none runs). */
    private static long verified(TestPeer peer, String id) {
        return peer.core.snapshot().operations().stream().filter(o -> o.gameId().equals(id))
                .mapToLong(org.lanspread.api.games.ActiveOperation::bytesDone).findFirst().orElse(0);
    }

    @Test
    void aPartialPeerThatLiesIsDroppedAndTheOtherFinishesByteExact() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(4 * MIB, 0, 0)).create()) {
            TestPeer.seedGame(seed.games, "doom", "1.9", 40 * MIB, 22);
            seed.core.start();
            TestPeer.await("the seed to offer doom", 30,
                    () -> seed.core.content().announced().stream().anyMatch(g -> g.id().equals("doom")));
            try (TestPeer liar = TestPeer.builder(dir, "liar").seeds(seed).start()) {
                liar.awaitOffered("doom", 1);
                CompletableFuture<OperationOutcome> lying = liar.core.submit(new RuntimeCommand.Download("doom"));
                TestPeer.await("the liar to hold four chunks", 60, () -> verified(liar, "doom") >= 16 * MIB);
                // Its disk rots under what it serves: a byte pair flipped in every chunk it stages.
                Path files = liar.games.resolve("doom/.lanspread-download/files");
                try (java.util.stream.Stream<Path> staged = java.nio.file.Files.list(files)) {
                    for (Path file : staged.toList()) {
                        try (var channel = java.nio.channels.FileChannel.open(file,
                                java.nio.file.StandardOpenOption.WRITE)) {
                            for (long at = 1000; at < channel.size(); at += 4 * MIB) {
                                channel.write(java.nio.ByteBuffer.wrap(new byte[] { 0x66, 0x66 }), at);
                            }
                        }
                    }
                }
                try (TestPeer honest = TestPeer.builder(dir, "honest").seeds(seed, liar).start()) {
                    honest.awaitOffered("doom", 1);
                    TestPeer.await("the honest peer to see the liar's partial offer", 20,
                            () -> !honest.core.transport().connectedPeers().isEmpty()
                                    && honest.core.transport().connectedPeers().contains(id(liar)));
                    Thread.sleep(500); // its partial offer arrives with the session
                    OperationOutcome outcome = honest.run(new RuntimeCommand.Download("doom"));
                    System.out.println("[party] honest: " + outcome.message());
                    assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                    GameFolders.assertSameDownload(seed.games.resolve("doom"), honest.games.resolve("doom"));
                    List<TestPeer.Posted> dropped = honest.events(org.lanspread.api.runtime.RuntimeTopics.PEER_DROPPED);
                    assertEquals(1, dropped.size(), "the lying partial peer is dropped once: " + dropped);
                    assertEquals(id(liar).hex(), dropped.get(0).properties().get(
                            org.lanspread.api.runtime.RuntimeTopics.PEER));
                }
                liar.core.submit(new RuntimeCommand.Cancel("doom"));
                TestPeer.within(lying, 60, "the liar's download to end");
            }
        }
    }

    @Test
    void whenThePartialPeerLeavesTheOthersGoOnAndWhenNobodyHoldsWhatIsMissingItEndsWithAllPeersGone()
            throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(4 * MIB, 0, 0)).create()) {
            TestPeer.seedGame(seed.games, "hl", "1.1", 40 * MIB, 23);
            seed.core.start();
            TestPeer.await("the seed to offer hl", 30,
                    () -> seed.core.content().announced().stream().anyMatch(g -> g.id().equals("hl")));
            TestPeer early = TestPeer.builder(dir, "early").seeds(seed).start();
            try (TestPeer late = TestPeer.builder(dir, "late").seeds(seed, early).start()) {
                early.awaitOffered("hl", 1);
                late.awaitOffered("hl", 1);
                early.core.submit(new RuntimeCommand.Download("hl"));
                TestPeer.await("the early peer to hold three chunks", 60, () -> verified(early, "hl") >= 12 * MIB);
                CompletableFuture<OperationOutcome> fetching = late.core.submit(new RuntimeCommand.Download("hl"));
                TestPeer.await("the late peer to fetch", 30, () -> verified(late, "hl") >= 4 * MIB);
                early.close(); // a partial peer leaves mid-download: the seed is still there
                OperationOutcome outcome = TestPeer.within(fetching, 120, "the late download");
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                GameFolders.assertSameDownload(seed.games.resolve("hl"), late.games.resolve("hl"));
            }
            // Again, and now the seed leaves while a partial peer holds only part of it: nobody holds the rest.
            try (TestPeer holder = TestPeer.builder(dir, "holder").seeds(seed).start();
                    TestPeer stranded = TestPeer.builder(dir, "stranded").seeds(seed, holder).start()) {
                holder.awaitOffered("hl", 1);
                stranded.awaitOffered("hl", 1);
                CompletableFuture<OperationOutcome> holding = holder.core.submit(new RuntimeCommand.Download("hl"));
                TestPeer.await("the holder to hold two chunks", 60, () -> verified(holder, "hl") >= 8 * MIB);
                CompletableFuture<OperationOutcome> stranding = stranded.core.submit(
                        new RuntimeCommand.Download("hl"));
                TestPeer.await("the stranded peer to start", 30,
                        () -> stranded.core.snapshot().operations().stream().anyMatch(o -> o.phase().equals("fetching")));
                seed.core.shutdown();
                OperationOutcome outcome = TestPeer.within(stranding, 120, "the stranded download");
                System.out.println("[party] stranded: " + outcome.message());
                assertEquals(Result.ALL_PEERS_GONE, outcome.result(), outcome.message());
                assertEquals(Result.ALL_PEERS_GONE, TestPeer.within(holding, 60, "the holder").result());
            }
        }
    }
}
