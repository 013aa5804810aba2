package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.Cancellation;
import org.lanspread.api.archive.ExtractionListener;
import org.lanspread.api.archive.ExtractionResult;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

/** Install, update and uninstall as transactions, and what recovery makes of every crash point. */
class TransactionsTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static GameView view(TestPeer peer, String id) {
        return peer.core.snapshot().games().stream().filter(g -> g.id().equals(id)).findFirst().orElseThrow();
    }

    /** Names below {@code root}, relative, sorted (what is on disk). */
    static List<String> tree(Path root) throws Exception {
        try (Stream<Path> files = Files.walk(root)) {
            return files.map(p -> root.relativize(p).toString().replace('\\', '/')).filter(s -> !s.isEmpty()).sorted()
                    .toList();
        }
    }

    @Test
    void installUpdateAndUninstallLeaveExactlyTheExpectedFolders() throws Exception {
        try (TestPeer peer = TestPeer.builder(dir, "peer").create()) {
            TestPeer.seedGame(peer.games, "quake3", "1", 6 * MIB, 1);
            peer.core.start();
            assertEquals(GameState.DOWNLOADED, view(peer, "quake3").state());

            OperationOutcome installed = peer.run(new RuntimeCommand.Install("quake3"));
            assertEquals(Result.COMPLETED, installed.result(), installed.message());
            Path folder = peer.games.resolve("quake3");
            assertEquals("quake3 1", Files.readString(folder.resolve("local/game/readme.txt")));
            assertEquals(6 * MIB, Files.size(folder.resolve("local/game/data.bin")));
            assertEquals(GameState.INSTALLED, view(peer, "quake3").state());
            assertEquals("1", view(peer, "quake3").installedVersion());
            assertEquals(Result.NOTHING_TO_DO, peer.run(new RuntimeCommand.Install("quake3")).result(),
                    "installed: nothing to do (the UI offers Play)");

            // A new version arrives on disk (as a download would leave it): an update is pending.
            Path next = dir.resolve("next");
            TestPeer.seedGame(next, "quake3", "2", 3 * MIB, 2);
            try (Stream<Path> old = Files.list(folder)) {
                for (Path p : old.filter(Files::isRegularFile).toList()) {
                    Files.delete(p);
                }
            }
            SwarmDownloadTest.copyGame(next.resolve("quake3"), folder);
            peer.core.library().refresh("quake3");
            assertEquals(GameState.UPDATE_AVAILABLE, view(peer, "quake3").state());
            OperationOutcome updated = peer.run(new RuntimeCommand.Update("quake3"));
            assertEquals(Result.COMPLETED, updated.result(), updated.message());
            assertEquals("quake3 2", Files.readString(folder.resolve("local/game/readme.txt")));
            assertEquals(3 * MIB, Files.size(folder.resolve("local/game/data.bin")));
            assertEquals("2", view(peer, "quake3").installedVersion());
            assertEquals(GameState.INSTALLED, view(peer, "quake3").state());
            assertFalse(tree(folder).stream().anyMatch(n -> n.startsWith(".local") || n.startsWith(".lanspread-tx")),
                    "no working folders left: " + tree(folder));

            OperationOutcome removed = peer.run(new RuntimeCommand.Uninstall("quake3"));
            assertEquals(Result.COMPLETED, removed.result(), removed.message());
            assertFalse(Files.exists(folder.resolve("local")));
            assertTrue(Files.exists(folder.resolve("version.ini")), "the download stays");
            assertEquals(GameState.DOWNLOADED, view(peer, "quake3").state());
            assertEquals(Result.NOTHING_TO_DO, peer.run(new RuntimeCommand.Uninstall("quake3")).result());
            assertEquals(3, peer.events(RuntimeTopics.OPERATION_ENDED).size());
        }
    }

    @Test
    void aFailedInstallRollsBackAndTheNextSnapshotClearsItsOperation() throws Exception {
        try (TestPeer peer = TestPeer.builder(dir, "peer").create()) {
            TestPeer.seedGame(peer.games, "broken", "1", 2 * MIB, 3);
            Path archive = peer.games.resolve("broken/broken.rar");
            byte[] bytes = Files.readAllBytes(archive);
            bytes[bytes.length / 2] ^= 0x40; // data no longer matches its CRC
            Files.write(archive, bytes);
            peer.core.start();
            TestPeer.await("the archive check to find broken damaged", 20, () -> peer.core.snapshot().games().stream()
                    .anyMatch(g -> g.id().equals("broken") && g.state() == GameState.DAMAGED));
            List<GamesSnapshot> snapshots = new ArrayList<>();
            OperationOutcome outcome = peer.run(new RuntimeCommand.Install("broken"));
            assertEquals(Result.FAILED, outcome.result());
            assertTrue(outcome.message().contains("CRC") || outcome.message().toLowerCase().contains("corrupt"),
                    outcome.message());
            assertFalse(Files.exists(peer.games.resolve("broken/local")), "no half install");
            assertEquals(List.of("broken.rar", "version.ini"), tree(peer.games.resolve("broken")),
                    "rolled back: no journal, no staging");
            peer.events(RuntimeTopics.SNAPSHOT).forEach(e -> snapshots.add(
                    (GamesSnapshot) e.properties().get(RuntimeTopics.SNAPSHOT_PROPERTY)));
            GamesSnapshot last = snapshots.get(snapshots.size() - 1);
            assertTrue(last.operations().isEmpty(), "the last snapshot has no stale operation");
            assertEquals(GameState.DAMAGED, last.games().stream().filter(g -> g.id().equals("broken")).findFirst()
                    .orElseThrow().state(), "after the install, the game shows what its check found again");
            for (int i = 1; i < snapshots.size(); i++) {
                assertTrue(snapshots.get(i).revision() > snapshots.get(i - 1).revision(), "revisions increase");
            }
            assertTrue(snapshots.stream().anyMatch(s -> s.operations().stream()
                    .anyMatch(o -> o.gameId().equals("broken") && o.kind() == OperationKind.INSTALL)),
                    "the install was visible while it ran");
        }
    }

    @Test
    void aCrashingExtractorPlugInStillReleasesTheGuard() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(TransactionsTest.class).getBundleContext();
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, 1000);
        ServiceRegistration<ArchiveExtractor> crashing = context.registerService(ArchiveExtractor.class,
                new ArchiveExtractor() {
                    @Override
                    public String id() {
                        return "crashing";
                    }

                    @Override
                    public ExtractionResult extract(Path firstVolume, Path target, ExtractionListener listener,
                            Cancellation cancellation) throws ArchiveException {
                        throw new StackOverflowError("a plug-in bug");
                    }
                }, properties);
        try (TestPeer peer = TestPeer.builder(dir, "peer").extractor("crashing").create()) {
            TestPeer.seedGame(peer.games, "quake3", "1", MIB, 4);
            peer.core.start();
            OperationOutcome outcome = peer.run(new RuntimeCommand.Install("quake3"));
            assertEquals(Result.FAILED, outcome.result());
            assertTrue(outcome.message().contains("a plug-in bug"), outcome.message());
            assertTrue(peer.core.snapshot().operations().isEmpty(), "the guard was released on the abort path");
            assertEquals(GameState.DOWNLOADED, view(peer, "quake3").state());
            assertEquals(Result.NOTHING_TO_DO, peer.run(new RuntimeCommand.Uninstall("quake3")).result(),
                    "the game is not left busy: the next command is accepted");
        } finally {
            crashing.unregister();
        }
    }

    /** A crash point: what the folder looks like, and what recovery must make of it. */
    private record Crash(String point, String setup, String expectLocal) {
    }

    @Test
    void recoveryRepairsEveryCrashPointAndSkipsActiveGames() throws Exception {
        Path games = Files.createDirectories(dir.resolve("games"));
        List<Crash> crashes = List.of(
                new Crash("install: unpacking", "journal install unpacking; .local.new partial", "none"),
                new Crash("install: swapping, new complete", "journal install swapping; .local.new complete", "new"),
                new Crash("update: unpacking", "journal update unpacking; local old; .local.new partial", "old"),
                new Crash("update: old moved aside", "journal update swapping; .local.old old; .local.new complete",
                        "new"),
                new Crash("update: swapped, old not deleted", "journal update swapping; local new; .local.old old",
                        "new"),
                new Crash("update: journal torn", "journal torn; .local.old old; .local.new partial", "old"),
                new Crash("uninstall: moved to trash", "journal uninstall deleting; .local.trash old", "none"),
                new Crash("uninstall: journal written only", "journal uninstall moving; local old", "old"),
                new Crash("extractor staging left", "..local.new.extracting-x partial; local old", "old"));
        int n = 0;
        for (Crash crash : crashes) {
            Path folder = Files.createDirectories(games.resolve("game" + n++));
            Files.writeString(folder.resolve("version.ini"), "2\n");
            Files.writeString(folder.resolve("game.rar"), "archive");
            for (String step : crash.setup().split("; ")) {
                String[] words = step.split(" ");
                switch (words[0]) {
                    case "journal" -> Files.writeString(folder.resolve(GameTransactions.JOURNAL),
                            words[1].equals("torn") ? "{\"op\":\"upd" : "{\"op\":\"" + words[1] + "\",\"phase\":\""
                                    + words[2] + "\",\"version\":\"2\"}");
                    default -> {
                        Path d = Files.createDirectories(folder.resolve(words[0]));
                        Files.writeString(d.resolve("which.txt"), words[1]);
                        if (words[1].equals("complete") || words[1].equals("new")) {
                            Files.writeString(d.resolve(".lanspread.json"), "{\"version\":\"2\"}");
                        }
                    }
                }
            }
        }
        Path busy = Files.createDirectories(games.resolve("busy"));
        Files.createDirectories(busy.resolve(".local.new"));
        Files.writeString(busy.resolve(GameTransactions.JOURNAL), "{\"op\":\"install\",\"phase\":\"unpacking\"}");

        List<String> log = GameTransactions.recover(games, Set.of("busy"));
        System.out.println("[recovery] crash point | expected install | result");
        n = 0;
        for (Crash crash : crashes) {
            Path folder = games.resolve("game" + n++);
            Path marker = folder.resolve("local/which.txt");
            String result = Files.exists(marker) ? Files.readString(marker) : "none";
            String expected = crash.expectLocal().equals("new") ? (Files.exists(marker) ? result : "complete")
                    : crash.expectLocal();
            boolean ok = crash.expectLocal().equals("none") ? !Files.exists(folder.resolve("local"))
                    : crash.expectLocal().equals("old") ? result.equals("old")
                            : result.equals("complete") || result.equals("new");
            System.out.printf("[recovery] %-36s | %-8s | %s%n", crash.point(), crash.expectLocal(),
                    Files.exists(folder.resolve("local")) ? "install " + result : "no install");
            assertTrue(ok, crash.point() + ": expected " + expected + ", found " + tree(folder));
            assertEquals(List.of("game.rar", "version.ini"), tree(folder).stream()
                    .filter(s -> !s.startsWith("local")).toList(), crash.point() + ": nothing else left");
        }
        assertTrue(Files.exists(busy.resolve(".local.new")) && Files.exists(busy.resolve(GameTransactions.JOURNAL)),
                "a game with an active operation is never touched");
        assertTrue(log.size() >= crashes.size(), String.join("\n", log));
    }
}
