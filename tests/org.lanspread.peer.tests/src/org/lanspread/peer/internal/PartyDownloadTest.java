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
        long size = 48 * MIB;
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(6 * MIB, 0, 0)).create()) {
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
                for (int i = 0; i < leeches.size(); i++) {
                    OperationOutcome outcome = TestPeer.within(downloads.get(i), 180, leeches.get(i).name);
                    System.out.println("[party] " + leeches.get(i).name + ": " + outcome.message());
                    assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                for (TestPeer leech : leeches) {
                    GameFolders.assertSameDownload(seed.games.resolve("quake3"), leech.games.resolve("quake3"));
                }
                long sent = sentBy(seed);
                StringBuilder figures = new StringBuilder(String.format(Locale.ROOT,
                        "[party] %d downloaders in %.1f s; the seed (6 MiB/s) sent %.2fx the game", leeches.size(),
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

    static PeerId id(TestPeer peer) {
        return peer.core.transport().localId();
    }
}
