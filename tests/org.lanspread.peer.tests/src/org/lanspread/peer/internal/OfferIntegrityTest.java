package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.testing.files.GameFolders;

/**
 * What peers offer has passed its archives' own checks, and one version has one content: whole runtimes over real
 * QUIC on loopback, with real RAR sets damaged on disk.
 */
class OfferIntegrityTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static GameView view(TestPeer peer, String id) {
        return peer.core.snapshot().games().stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
    }

    /** 16 bytes changed at three places of the game's first volume, its size and modification time kept. */
    private static Path damage(Path folder, String id) throws IOException {
        Path volume;
        try (Stream<Path> files = Files.list(folder)) {
            volume = files.filter(p -> p.getFileName().toString().endsWith(".rar")).sorted().findFirst().orElseThrow();
        }
        FileTime mtime = Files.getLastModifiedTime(volume);
        long size = Files.size(volume);
        try (FileChannel channel = FileChannel.open(volume, StandardOpenOption.WRITE)) {
            for (long at : new long[] { size / 4, size / 2, size * 3 / 4 }) {
                channel.write(ByteBuffer.wrap("sixteen bytes!!!".getBytes()), at);
            }
        }
        Files.setLastModifiedTime(volume, mtime);
        return volume;
    }

    private static void awaitState(TestPeer peer, String id, GameState state) throws InterruptedException {
        TestPeer.await(peer.name + " to show " + id + " " + state, 30,
                () -> view(peer, id) != null && view(peer, id).state() == state);
    }

    private static void awaitOffering(TestPeer peer, String id) throws InterruptedException {
        TestPeer.await(peer.name + " to offer " + id + " once its archives passed", 30,
                () -> peer.core.content().announced().stream().anyMatch(g -> g.id().equals(id)));
    }

    @Test
    void aGameDamagedBeforeItWasEverHashedIsNotOfferedAndShowsDamaged() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "quake3", "20240315", 12 * MIB, 1);
            Path damaged = damage(seed.games.resolve("quake3"), "quake3");
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                awaitState(seed, "quake3", GameState.DAMAGED);
                GameView view = view(seed, "quake3");
                assertTrue(view.problem().contains(damaged.getFileName().toString()), view.problem());
                TestPeer.await("the leech to be connected to the seed", 20,
                        () -> leech.core.transport().connectedPeers().contains(seed.core.transport().localId()));
                Thread.sleep(500); // a library or delta would have arrived by now
                assertNull(view(leech, "quake3"), "the damaged game is not offered: " + view(leech, "quake3"));
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> leech.run(new RuntimeCommand.Download("quake3")));
                assertTrue(refused.getCause() instanceof OperationRefusedException, refused.toString());
                assertTrue(Files.notExists(leech.games.resolve("quake3")), "nothing of it reached the leech");
            }
        }
    }

    @Test
    void aTruncatedArchiveIsNotOffered() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "doom", "1.9", 12 * MIB, 2);
            Path last;
            try (Stream<Path> files = Files.list(seed.games.resolve("doom"))) {
                last = files.filter(p -> p.toString().endsWith(".rar")).sorted().reduce((a, b) -> b).orElseThrow();
            }
            try (FileChannel channel = FileChannel.open(last, StandardOpenOption.WRITE)) {
                channel.truncate(channel.size() / 2);
            }
            seed.core.start();
            awaitState(seed, "doom", GameState.DAMAGED);
            assertTrue(seed.core.content().announced().isEmpty(), seed.core.content().announced().toString());
        }
    }

    @Test
    void withAHealthyAndADamagedPeerTheDownloadIsByteExactFromTheHealthyOne() throws Exception {
        Path original = dir.resolve("original");
        TestPeer.seedGame(original, "ut99", "436", 16 * MIB, 3);
        try (TestPeer healthy = TestPeer.builder(dir, "healthy").create();
                TestPeer broken = TestPeer.builder(dir, "broken").create()) {
            GameFolders.copyDownload(original.resolve("ut99"), healthy.games.resolve("ut99"));
            GameFolders.copyDownload(original.resolve("ut99"), broken.games.resolve("ut99"));
            damage(broken.games.resolve("ut99"), "ut99");
            healthy.core.start();
            broken.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(healthy, broken).start()) {
                leech.awaitOffered("ut99", 1);
                awaitState(broken, "ut99", GameState.DAMAGED);
                assertEquals(1, view(leech, "ut99").peerCount(), "only the healthy peer offers it");
                OperationOutcome outcome = leech.run(new RuntimeCommand.Download("ut99"));
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                assertTrue(outcome.message().contains("passed their own checks"), outcome.message());
                GameFolders.assertSameDownload(original.resolve("ut99"), leech.games.resolve("ut99"));
                awaitOffering(leech, "ut99"); // the downloader serves it in turn, its check recorded
            }
        }
    }

    /** One byte changed in every chunk of every volume, sizes and modification times kept. */
    private static void damageEveryChunk(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path volume : files.filter(p -> p.getFileName().toString().endsWith(".rar")).toList()) {
                FileTime mtime = Files.getLastModifiedTime(volume);
                long size = Files.size(volume);
                try (FileChannel channel = FileChannel.open(volume, StandardOpenOption.READ,
                        StandardOpenOption.WRITE)) {
                    for (long at = 100; at < size; at += 4 * MIB) {
                        ByteBuffer one = ByteBuffer.allocate(1);
                        channel.read(one, at);
                        one.put(0, (byte) ~one.get(0)).rewind();
                        channel.write(one, at);
                    }
                }
                Files.setLastModifiedTime(volume, mtime);
            }
        }
    }

    /**
     * The seed's archives are damaged after their check passed, with the same sizes and times, so its cached chunk
     * hashes and its verdict still describe the old data: the seed checks each chunk before sending it, refuses the
     * damaged ones (the downloader finishes from the healthy peer and does not take it for a liar), stops offering
     * the version and shows it damaged, "needs repair", also after a restart.
     */
    @Test
    void aSeedWhoseDataChangedAfterItsCheckRefusesTheChunksIsNotTakenForALiarAndStopsOfferingIt() throws Exception {
        Path original = dir.resolve("original");
        TestPeer.seedGame(original, "ut99", "436", 12 * MIB, 4);
        try (TestPeer healthy = TestPeer.builder(dir, "healthy").create()) {
            TestPeer changed = TestPeer.builder(dir, "changed").create();
            GameFolders.copyDownload(original.resolve("ut99"), healthy.games.resolve("ut99"));
            GameFolders.copyDownload(original.resolve("ut99"), changed.games.resolve("ut99"));
            healthy.core.start();
            changed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(healthy, changed).start()) {
                awaitOffering(changed, "ut99");
                leech.awaitOffered("ut99", 2);
                damageEveryChunk(changed.games.resolve("ut99"));
                OperationOutcome outcome = leech.run(new RuntimeCommand.Download("ut99"));
                System.out.println("[integrity] " + outcome.message());
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                GameFolders.assertSameDownload(original.resolve("ut99"), leech.games.resolve("ut99"));
                assertEquals(List.of(), leech.events(RuntimeTopics.PEER_DROPPED),
                        "a peer that refuses what it finds damaged is not a liar");
                awaitState(changed, "ut99", GameState.DAMAGED);
                assertTrue(view(changed, "ut99").problem().contains("needs repair"), view(changed, "ut99").problem());
                TestPeer.await("the damaged peer to stop offering it", 10,
                        () -> changed.core.content().announced().stream().noneMatch(g -> g.id().equals("ut99")));
            }
            changed.close();
            try (TestPeer again = TestPeer.builder(dir, "changed").create()) {
                again.core.start();
                awaitState(again, "ut99", GameState.DAMAGED); // recorded: not offered after a restart either
                assertTrue(again.core.content().announced().stream().noneMatch(g -> g.id().equals("ut99")));
            }
        }
    }

    /** Verify reads every chunk again: an intact game passes; one changed byte (same size and time) is named. */
    @Test
    void verifyFindsTheChunkThatChangedOnDiskAndTheGameStopsBeingOffered() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "ut99", "436", 12 * MIB, 5);
            seed.core.start();
            awaitOffering(seed, "ut99");
            OperationOutcome intact = seed.run(new RuntimeCommand.Verify("ut99"));
            System.out.println("[verify] " + intact.summary() + " / " + intact.message());
            assertEquals(Result.COMPLETED, intact.result(), intact.message());
            assertTrue(intact.summary().startsWith("Unreal Tournament 436 is intact — every chunk checked")
                    || intact.summary().startsWith("ut99 436 is intact"), intact.summary());

            Path volume;
            try (Stream<Path> files = Files.list(seed.games.resolve("ut99"))) {
                volume = files.filter(p -> p.getFileName().toString().endsWith(".rar")).sorted().findFirst()
                        .orElseThrow();
            }
            FileTime mtime = Files.getLastModifiedTime(volume);
            try (FileChannel channel = FileChannel.open(volume, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer one = ByteBuffer.allocate(1);
                channel.read(one, 4 * MIB + 10);
                one.put(0, (byte) ~one.get(0)).rewind();
                channel.write(one, 4 * MIB + 10);
            }
            Files.setLastModifiedTime(volume, mtime);
            OperationOutcome damaged = seed.run(new RuntimeCommand.Verify("ut99"));
            System.out.println("[verify] " + damaged.summary() + " / " + damaged.message());
            assertEquals(Result.FAILED, damaged.result(), damaged.message());
            assertTrue(damaged.message().startsWith("1 chunk(s) of ut99 436 no longer match the recorded manifest: chunk 1 of "
                    + volume.getFileName() + "; needs repair"), damaged.message());
            awaitState(seed, "ut99", GameState.DAMAGED);
            assertTrue(seed.core.content().announced().stream().noneMatch(g -> g.id().equals("ut99")),
                    "no longer offered");
        }
    }

    @Test
    void peersThatDisagreeAboutAVersionAreReportedAndTheMajorityContentIsTaken() throws Exception {
        Path majority = dir.resolve("majority");
        Path minority = dir.resolve("minority");
        TestPeer.seedGame(majority, "hl", "1.1", 10 * MIB, 4);
        TestPeer.seedGame(minority, "hl", "1.1", 10 * MIB, 5); // the same version, other bytes: both pass their checks
        try (TestPeer a = TestPeer.builder(dir, "seed-a").create();
                TestPeer b = TestPeer.builder(dir, "seed-b").create();
                TestPeer odd = TestPeer.builder(dir, "odd").create()) {
            GameFolders.copyDownload(majority.resolve("hl"), a.games.resolve("hl"));
            GameFolders.copyDownload(majority.resolve("hl"), b.games.resolve("hl"));
            GameFolders.copyDownload(minority.resolve("hl"), odd.games.resolve("hl"));
            for (TestPeer seed : List.of(a, b, odd)) {
                seed.core.start();
                awaitOffering(seed, "hl");
            }
            String oddContent = odd.core.content().announced().get(0).content();
            assertNotEquals(a.core.content().announced().get(0).content(), oddContent);
            assertEquals(a.core.content().announced().get(0).content(), b.core.content().announced().get(0).content(),
                    "the same files have the same content hash");
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(odd, a, b).start()) {
                leech.awaitOffered("hl", 3);
                OperationOutcome outcome = leech.run(new RuntimeCommand.Download("hl"));
                System.out.println("[integrity] " + outcome.message());
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                GameFolders.assertSameDownload(majority.resolve("hl"), leech.games.resolve("hl"));
                assertTrue(outcome.message().contains("peers disagree"), outcome.message());
                assertTrue(outcome.message().contains("odd (" + odd.core.transport().localId().shortForm() + ")"),
                        "the other content's peer is named: " + outcome.message());
                List<TestPeer.Posted> disagree = leech.events(RuntimeTopics.PEERS_DISAGREE);
                assertEquals(1, disagree.size(), disagree.toString());
                assertEquals(List.of(odd.core.transport().localId().hex()),
                        disagree.get(0).properties().get(RuntimeTopics.PEERS_PROPERTY));
                assertTrue(leech.events(RuntimeTopics.PEER_DROPPED).isEmpty(), "nobody was taken for a liar");
            }
        }
    }

    /** Transports whose offers carry no content hash, as a protocol 1.0 peer's (its initial library). */
    private static org.lanspread.api.transport.PeerTransportFactory asProtocol10() {
        org.lanspread.api.transport.PeerTransportFactory real = org.lanspread.testing.osgi.Services
                .await(org.lanspread.api.transport.PeerTransportFactory.class);
        return (settings, content) -> real.open(settings, new org.lanspread.api.transport.ContentSource() {
            @Override
            public List<org.lanspread.api.transport.AnnouncedGame> announced() {
                return content.announced().stream().map(g -> new org.lanspread.api.transport.AnnouncedGame(g.id(),
                        g.version(), g.sizeBytes())).toList();
            }

            @Override
            public java.util.Optional<org.lanspread.api.library.GameManifest> manifest(String gameId) {
                return content.manifest(gameId);
            }

            @Override
            public java.util.Optional<Path> gameFolder(String gameId) {
                return content.gameFolder(gameId);
            }
        });
    }

    @Test
    void aPeerThatAnnouncesNoContentHashIsJudgedByTheManifestItSends() throws Exception {
        Path announced = dir.resolve("announced");
        Path other = dir.resolve("other");
        TestPeer.seedGame(announced, "cs16", "3", 6 * MIB, 6);
        TestPeer.seedGame(other, "cs16", "3", 6 * MIB, 7);
        try (TestPeer current = TestPeer.builder(dir, "current").create();
                TestPeer old = TestPeer.builder(dir, "old").wrapTransports(f -> asProtocol10()).create()) {
            GameFolders.copyDownload(announced.resolve("cs16"), current.games.resolve("cs16"));
            GameFolders.copyDownload(other.resolve("cs16"), old.games.resolve("cs16"));
            current.core.start();
            old.core.start();
            awaitOffering(current, "cs16");
            awaitOffering(old, "cs16");
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(old, current).start()) {
                leech.awaitOffered("cs16", 2);
                OperationOutcome outcome = leech.run(new RuntimeCommand.Download("cs16"));
                System.out.println("[integrity] " + outcome.message());
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                // One against one: the content its peer announced (and so checked) wins over one only computed.
                GameFolders.assertSameDownload(announced.resolve("cs16"), leech.games.resolve("cs16"));
                assertEquals(List.of(old.core.transport().localId().hex()), leech.events(RuntimeTopics.PEERS_DISAGREE)
                        .get(0).properties().get(RuntimeTopics.PEERS_PROPERTY));
            }
        }
    }
}
