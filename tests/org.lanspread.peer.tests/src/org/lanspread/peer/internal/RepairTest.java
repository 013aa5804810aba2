package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.files.GameFolders;

/**
 * Verify and Repair over real QUIC on loopback with real RAR sets and real junrar: damage on disk (same size, same
 * time) is found chunk by chunk, only the damaged chunks are fetched again, and an install that differs from its
 * archives is unpacked again with the files the game added kept.
 */
class RepairTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    /** Inverts the byte at each offset, keeping the file's size and modification time. */
    private static void flip(Path file, long... offsets) throws IOException {
        FileTime mtime = Files.getLastModifiedTime(file);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            for (long at : offsets) {
                ByteBuffer one = ByteBuffer.allocate(1);
                channel.read(one, at);
                one.put(0, (byte) ~one.get(0)).rewind();
                channel.write(one, at);
            }
        }
        Files.setLastModifiedTime(file, mtime);
    }

    private static List<Path> volumes(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".rar")).sorted().toList();
        }
    }

    /** Every regular file below {@code root}: relative path to SHA-256. */
    static Map<String, String> tree(Path root) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                tree.put(root.relativize(file).toString(), HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file))));
            }
        }
        return tree;
    }

    private static void assertSameDownload(Path expected, Path actual) throws IOException {
        for (Path file : volumes(expected)) {
            assertEquals(-1, Files.mismatch(file, actual.resolve(file.getFileName())), file.getFileName()
                    + " is byte-exact");
        }
        assertEquals(-1, Files.mismatch(expected.resolve("version.ini"), actual.resolve("version.ini")));
    }

    private static void awaitState(TestPeer peer, String id, GameState state) throws InterruptedException {
        TestPeer.await(peer.name + " to show " + id + " " + state, 30,
                () -> peer.game(id) != null && peer.game(id).state() == state);
    }

    @Test
    void repairFetchesOnlyTheDamagedChunkAndLeavesAnIntactInstallAlone() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "ut99", "436", 12 * MIB, 5);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).create()) {
                // The same content, copied by hand (made twice, the archives' header times could differ).
                GameFolders.copyDownload(seed.games.resolve("ut99"), leech.games.resolve("ut99"));
                leech.core.start();
                assertEquals(Result.COMPLETED, leech.run(new RuntimeCommand.Install("ut99")).result());
                leech.awaitOffered("ut99", 1);
                Path folder = leech.games.resolve("ut99");
                Map<String, String> installed = tree(folder.resolve("local"));
                FileTime unpackedAt = Files.getLastModifiedTime(folder.resolve("local/game/data.bin"));
                Path volume = volumes(folder).get(0);
                flip(volume, 10); // chunk 0 (4 MiB) of the first volume

                OperationOutcome verified = leech.run(new RuntimeCommand.Verify("ut99"));
                System.out.println("[repair] verify: " + verified.summary() + " / " + verified.message());
                assertEquals(Result.FAILED, verified.result(), verified.message());
                assertTrue(verified.message().startsWith("1 chunk(s) of ut99 436 no longer match the recorded "
                        + "manifest: chunk 0 of " + volume.getFileName() + "; needs repair"), verified.message());
                awaitState(leech, "ut99", GameState.DAMAGED);

                OperationOutcome repaired = leech.run(new RuntimeCommand.Repair("ut99"));
                System.out.println("[repair] repair: " + repaired.summary() + " / " + repaired.message());
                assertEquals(Result.COMPLETED, repaired.result(), repaired.message());
                assertTrue(repaired.message().startsWith("ut99 436 repaired; 1 damaged chunk(s) fetched again "
                        + "(4.0 MiB)"), repaired.message());
                assertTrue(repaired.message().contains(", " + 4 * MIB + " fetched, 0 re-fetched, from 1 peer(s)"),
                        "exactly one chunk crossed the network: " + repaired.message());
                assertFalse(repaired.message().contains("unpacked again"), "the install was intact: left alone");
                assertSameDownload(seed.games.resolve("ut99"), folder);
                assertEquals(installed, tree(folder.resolve("local")));
                assertEquals(unpackedAt, Files.getLastModifiedTime(folder.resolve("local/game/data.bin")),
                        "not unpacked again");
                assertFalse(Files.exists(DownloadStaging.dir(folder)), "no staging left");
                awaitState(leech, "ut99", GameState.INSTALLED);
                TestPeer.await("the repaired game to be offered again", 30, () -> leech.core.content().announced()
                        .stream().anyMatch(g -> g.id().equals("ut99")));
                assertEquals(Result.COMPLETED, leech.run(new RuntimeCommand.Verify("ut99")).result());
                OperationOutcome again = leech.run(new RuntimeCommand.Repair("ut99"));
                assertEquals(Result.NOTHING_TO_DO, again.result(), again.message());
            }
        }
    }

    /**
     * A game put here by hand, damaged before this peer ever hashed it: no recorded hashes describe it, so Verify
     * compares with the manifest peers offer for its version; alone, it can only run the archives' own CRC check, and
     * Repair says what it needs.
     */
    @Test
    void aGameNeverHashedHereIsVerifiedAgainstThePeersManifestOrItsArchivesOwnCheck() throws Exception {
        try (TestPeer alone = TestPeer.builder(dir, "alone").withoutDiscovery().create()) {
            TestPeer.seedGame(dir.resolve("original"), "hl", "1.1", 12 * MIB, 6);
            GameFolders.copyDownload(dir.resolve("original/hl"), alone.games.resolve("hl"));
            flip(volumes(alone.games.resolve("hl")).get(1), 4 * MIB + 99);
            alone.core.start();
            OperationOutcome verified = alone.run(new RuntimeCommand.Verify("hl"));
            System.out.println("[repair] alone: " + verified.message());
            assertEquals(Result.FAILED, verified.result(), verified.message());
            assertTrue(verified.message().startsWith("no recorded hashes of hl 1.1 describe its files as they are, "
                    + "and no peer offers it; its archives fail their own check: "), verified.message());
            OperationOutcome refused = alone.run(new RuntimeCommand.Repair("hl"));
            assertEquals(Result.FAILED, refused.result(), refused.message());
            assertTrue(refused.message().endsWith("; to repair it, connect a peer that offers 1.1"), refused.message());
        }
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            GameFolders.copyDownload(dir.resolve("original/hl"), seed.games.resolve("hl"));
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "alone").seeds(seed).create()) {
                leech.core.start();
                leech.awaitOffered("hl", 1);
                Path volume = volumes(leech.games.resolve("hl")).get(1);
                OperationOutcome verified = leech.run(new RuntimeCommand.Verify("hl"));
                System.out.println("[repair] with a peer: " + verified.message());
                assertEquals(Result.FAILED, verified.result(), verified.message());
                assertTrue(verified.message().startsWith("1 chunk(s) of hl 1.1 no longer match the peers' manifest: "
                        + "chunk 1 of " + volume.getFileName()), verified.message());
                OperationOutcome repaired = leech.run(new RuntimeCommand.Repair("hl"));
                System.out.println("[repair] with a peer: " + repaired.message());
                assertEquals(Result.COMPLETED, repaired.result(), repaired.message());
                long chunk = Files.size(volume) - 4 * MIB; // the volume's last, short chunk
                assertTrue(repaired.message().contains(", " + chunk + " fetched, 0 re-fetched"), repaired.message());
                assertSameDownload(seed.games.resolve("hl"), leech.games.resolve("hl"));
            }
        }
    }

    @Test
    void anInstallThatDiffersIsNamedAndUnpackedAgainKeepingWhatTheGameAdded() throws Exception {
        try (TestPeer peer = TestPeer.builder(dir, "alone").withoutDiscovery().create()) {
            TestPeer.seedGame(peer.games, "quake3", "1.32", 6 * MIB, 7);
            peer.core.start();
            assertEquals(Result.COMPLETED, peer.run(new RuntimeCommand.Install("quake3")).result());
            Path local = peer.games.resolve("quake3/local");
            Map<String, String> installed = tree(local);
            Files.delete(local.resolve("game/readme.txt"));
            flip(local.resolve("game/data.bin"), 100);
            Files.createDirectories(local.resolve("game/save"));
            Files.writeString(local.resolve("game/save/slot1.sav"), "level 3");

            OperationOutcome verified = peer.run(new RuntimeCommand.Verify("quake3"));
            System.out.println("[repair] verify: " + verified.summary() + " / " + verified.message());
            assertEquals(Result.FAILED, verified.result(), verified.message());
            assertEquals("the install of quake3 1.32 differs from its archives: 1 missing (game/readme.txt), "
                    + "1 changed (game/data.bin); 1 added by the game, kept (game/save/slot1.sav); needs repair",
                    verified.message());
            assertEquals(GameState.INSTALLED, peer.game("quake3").state(), "the download is intact: still offered");

            OperationOutcome repaired = peer.run(new RuntimeCommand.Repair("quake3"));
            System.out.println("[repair] repair: " + repaired.summary() + " / " + repaired.message());
            assertEquals(Result.COMPLETED, repaired.result(), repaired.message());
            assertTrue(repaired.message().startsWith("quake3 1.32 repaired; install unpacked again (it had 1 missing"),
                    repaired.message());
            Map<String, String> expected = new TreeMap<>(installed);
            expected.putAll(Map.of("game/save/slot1.sav", tree(local).getOrDefault("game/save/slot1.sav", "gone")));
            assertEquals(expected, tree(local), "the install matches its archives again, the save kept");
            assertEquals("level 3", Files.readString(local.resolve("game/save/slot1.sav")));
            OperationOutcome clean = peer.run(new RuntimeCommand.Verify("quake3"));
            assertEquals(Result.COMPLETED, clean.result(), clean.message());
            assertTrue(clean.message().endsWith("; its install: every file matches its archive entry; 1 added by "
                    + "the game, kept (game/save/slot1.sav)"), clean.message());
        }
    }

    @Test
    void aRepairCancelledWhileFetchingIsAPausedDownloadThatRepairResumes() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(0, 2 * MIB, 0)).create()) {
            TestPeer.seedGame(seed.games, "doom", "1.9", 16 * MIB, 9);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).create()) {
                GameFolders.copyDownload(seed.games.resolve("doom"), leech.games.resolve("doom"));
                leech.core.start();
                assertEquals(Result.COMPLETED, leech.run(new RuntimeCommand.Install("doom")).result());
                leech.awaitOffered("doom", 1);
                Path folder = leech.games.resolve("doom");
                Map<String, String> installed = tree(folder.resolve("local"));
                for (Path volume : volumes(folder)) {
                    flip(volume, 10, Math.min(Files.size(volume) - 1, 4 * MIB + 10)); // every chunk
                }

                Future<OperationOutcome> repair = leech.core.submit(new RuntimeCommand.Repair("doom"));
                TestPeer.await("the repair to fetch a chunk", 60, () -> {
                    GameView game = leech.game("doom");
                    return game != null && game.operation() != null && game.operation().phase().equals("fetching")
                            && game.operation().bytesDone() >= 4 * MIB;
                });
                assertEquals(GameState.REPAIRING, leech.game("doom").state());
                assertTrue(leech.run(new RuntimeCommand.Cancel("doom")));
                OperationOutcome cancelled = TestPeer.within(repair, 30, "the cancelled repair");
                System.out.println("[repair] cancelled: " + cancelled.summary() + " / " + cancelled.message());
                assertEquals(Result.CANCELLED, cancelled.result(), cancelled.message());
                assertTrue(cancelled.message().endsWith("it is a paused download of 1.9 now, which Repair or "
                        + "Download resumes"), cancelled.message());
                assertFalse(Files.exists(folder.resolve("version.ini")), "never a complete download meanwhile");
                assertEquals(installed, tree(folder.resolve("local")), "the install is untouched");

                OperationOutcome resumed = leech.run(new RuntimeCommand.Repair("doom"));
                System.out.println("[repair] resumed: " + resumed.summary() + " / " + resumed.message());
                assertEquals(Result.COMPLETED, resumed.result(), resumed.message());
                assertTrue(resumed.message().startsWith("doom 1.9 repaired; the paused download was completed"),
                        resumed.message());
                assertSameDownload(seed.games.resolve("doom"), folder);
                assertEquals(installed, tree(folder.resolve("local")));
                assertEquals(Result.COMPLETED, leech.run(new RuntimeCommand.Verify("doom")).result());
            }
        }
    }
}
