package org.lanspread.ui.internal.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The whole window's parts together in a real SWT shell (Xvfb in CI), fed by EventAdmin as the runtime feeds them:
 * snapshots decide every row (a lost "finished" event is corrected, stale revisions are ignored), the details and
 * the status bar follow, and a real download from a real (slow) QUIC seed shows its progress.
 */
class WindowTest {

    private static final long MIB = 1024 * 1024;
    /** Newer than any snapshot the test framework's runtime publishes while a test runs. */
    private static final long BASE = Long.MAX_VALUE / 4;

    private static void post(String topic, Map<String, Object> properties) {
        Services.await(EventAdmin.class).postEvent(new Event(topic, properties));
    }

    private static void post(GamesSnapshot snapshot) {
        post(RuntimeTopics.SNAPSHOT, Map.of(RuntimeTopics.SNAPSHOT_PROPERTY, snapshot, RuntimeTopics.E4_DATA,
                snapshot));
    }

    private static GameView game(String id, String name, GameState state, ActiveOperation op) {
        return new GameView(id, name, state, state == GameState.ON_PEERS ? null : "20240101",
                state == GameState.INSTALLED ? "20240101" : null, "20240101", 2, 300 * MIB, op, null);
    }

    static String state(Table table, String name) {
        for (int i = 0; i < table.getItemCount(); i++) {
            if (table.getItem(i).getText(0).equals(name)) {
                return table.getItem(i).getText(GamesModel.Column.STATE.ordinal());
            }
        }
        return "(no row " + name + ")";
    }

    @Test
    void snapshotsAloneDecideTheStateALostFinishedEventIsCorrectedAndStaleRevisionsAreIgnored() throws Exception {
        ActiveOperation op = new ActiveOperation("doom", OperationKind.DOWNLOAD, "fetching", 150 * MIB, 300 * MIB,
                5 * MIB, Instant.now());
        GameView downloading = game("doom", "Doom", GameState.DOWNLOADING, op);
        GameView quake = game("quake3", "Quake III Arena", GameState.INSTALLED, null);
        try (TestWindow w = new TestWindow(PartContexts.osgi())) {
            Table table = w.games.viewer().getTable();
            post(new GamesSnapshot(BASE + 10, List.of(downloading, quake), List.of(op)));
            w.until("the download's row", () -> state(table, "Doom").startsWith("downloading 50% · 5.0 MiB/s"));
            assertEquals("downloading 50% · 5.0 MiB/s · 0:30 left", state(table, "Doom"));
            w.games.select("doom");
            assertEquals("Cancel", w.games.mainActionButton().getText());
            w.until("the details to follow the selection", () -> w.details.titleText().equals("Doom"));
            assertEquals("First-person shooter", w.details.field("Genre"), "catalog metadata");
            assertEquals("1993", w.details.field("Released"));
            w.until("the status bar", () -> w.status.operationsText().equals("1 operation running"));

            // A late, older snapshot (say the install had finished before) is ignored.
            post(new GamesSnapshot(BASE + 5, List.of(game("doom", "Doom", GameState.INSTALLED, null), quake),
                    List.of()));
            w.pump(500);
            assertTrue(state(table, "Doom").startsWith("downloading 50%"), state(table, "Doom"));

            // The download ends and its ENDED event is lost: the next snapshot alone clears the progress.
            post(new GamesSnapshot(BASE + 11, List.of(game("doom", "Doom", GameState.DOWNLOADED, null), quake),
                    List.of()));
            w.until("the snapshot to end the download", () -> state(table, "Doom").equals("downloaded"));
            assertEquals("Install", w.games.mainActionButton().getText());
            w.until("the status bar", () -> w.status.operationsText().equals("No operations"));
            w.until("the details", () -> w.details.field("State").equals("downloaded"));
        }
    }

    @Test
    void afterARestartOperationsStillRunningShowAgainFromTheSnapshot() throws Exception {
        ActiveOperation op = new ActiveOperation("quake3", OperationKind.INSTALL, "unpacking", 0, 0, 0,
                Instant.now());
        GamesSnapshot running = new GamesSnapshot(BASE, List.of(game("quake3", "Quake III Arena",
                GameState.INSTALLING, op)), List.of(op));
        IEclipseContext context = PartContexts.osgi().createChild("restarted app");
        context.set(GamesSnapshotProvider.class, () -> running); // what the runtime holds when the window opens
        try (TestWindow w = new TestWindow(context)) {
            Table table = w.games.viewer().getTable();
            assertEquals("installing (unpacking)", state(table, "Quake III Arena"));
            w.games.select("quake3");
            assertEquals("Cancel", w.games.mainActionButton().getText());
            assertEquals("1 operation running", w.status.operationsText());
        }
    }

    @Test
    void twoThousandGamesFilterScopeAndSortInAVirtualTable() throws Exception {
        List<GameView> games = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            GameState state = i % 4 == 0 ? GameState.INSTALLED : i % 4 == 1 ? GameState.ON_PEERS
                    : GameState.DOWNLOADED;
            games.add(new GameView(String.format("game-%04d", i), String.format("Game %04d", i), state,
                    state == GameState.ON_PEERS ? null : "1", state == GameState.INSTALLED ? "1" : null,
                    i % 2 == 1 ? "1" : null, i % 2, (i % 7 + 1) * MIB, null, null));
        }
        games.add(game("quake3", "Quake III Arena", GameState.INSTALLED, null));
        try (TestWindow w = new TestWindow(PartContexts.osgi())) {
            Table table = w.games.viewer().getTable();
            post(new GamesSnapshot(BASE, games, List.of()));
            w.until("2,001 rows", () -> table.getItemCount() == 2001);
            assertEquals("2001 game(s)", w.games.summaryLabel().getText());

            w.games.scopeCombo().select(GamesModel.Scope.INSTALLED.ordinal());
            w.games.scopeCombo().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            assertEquals(501, table.getItemCount(), "installed only");
            w.games.scopeCombo().select(GamesModel.Scope.ON_LAN.ordinal());
            w.games.scopeCombo().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            assertEquals(1001, table.getItemCount(), "available on the LAN");
            assertEquals("1001 of 2001 game(s)", w.games.summaryLabel().getText());
            w.games.scopeCombo().select(GamesModel.Scope.ALL.ordinal());
            w.games.scopeCombo().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());

            w.games.filterText().setText("arena"); // the genre of Quake III matches
            assertEquals(1, table.getItemCount());
            assertEquals("Quake III Arena", table.getItem(0).getText(0));
            w.games.filterText().setText("");
            assertEquals(2001, table.getItemCount());

            // Sort by size, twice for descending; the first row follows.
            var sizeColumn = table.getColumn(GamesModel.Column.SIZE.ordinal());
            sizeColumn.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            assertEquals("1.0 MiB", table.getItem(0).getText(GamesModel.Column.SIZE.ordinal()));
            assertEquals(SWT.UP, table.getSortDirection());
            sizeColumn.notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            assertEquals("300.0 MiB", table.getItem(0).getText(GamesModel.Column.SIZE.ordinal()));
            assertEquals(SWT.DOWN, table.getSortDirection());
            assertEquals(sizeColumn, table.getSortColumn());
        }
    }

    @Test
    void ratesAndNotificationsReachTheStatusBar() throws Exception {
        try (TestWindow w = new TestWindow(PartContexts.osgi())) {
            PeerSummary peer = new PeerSummary(new PeerId("ab".repeat(32)), "seed-1", new InetSocketAddress(
                    InetAddress.getLoopbackAddress(), 47800), List.of(new AnnouncedGame("quake3", "20240315", 10)),
                    Instant.now(), 3 * MIB, 512);
            post(RuntimeTopics.PEERS, Map.of(RuntimeTopics.PEERS_PROPERTY, List.of(peer), RuntimeTopics.E4_DATA,
                    List.of(peer)));
            w.until("the rates", () -> w.status.ratesText().equals("↓ 3.0 MiB/s   ↑ 512 B/s"));
            Table peers = w.peers.viewer().getTable();
            w.until("the peer's rates", () -> peers.getItemCount() == 1
                    && peers.getItem(0).getText(TestWindow.column(peers, "From it")).equals("3.0 MiB/s")
                    && peers.getItem(0).getText(TestWindow.column(peers, "To it")).equals("512 B/s"));
            OperationOutcome outcome = new OperationOutcome("quake3", OperationKind.INSTALL,
                    OperationOutcome.Result.FAILED, "20240315", "Quake III Arena: quake3.part2.rar is missing");
            post(RuntimeTopics.OPERATION_ENDED, Map.of(RuntimeTopics.GAME_ID, "quake3", RuntimeTopics.OUTCOME_PROPERTY,
                    outcome, RuntimeTopics.RESULT, "FAILED", RuntimeTopics.MESSAGE, outcome.message()));
            w.until("the notification", () -> w.status.messageText().equals(outcome.message()));
            // A player reads the summary; the detailed figures are the tooltip.
            OperationOutcome installed = new OperationOutcome("doom", OperationKind.INSTALL,
                    OperationOutcome.Result.COMPLETED, "1.9", "doom 1.9 downloaded (16777491 bytes, 0 resumed, "
                            + "16777491 fetched, 0 re-fetched, from 1 peer(s)); doom 1.9 installed",
                    "Doom 1.9 is installed — 16 MiB in 4 s from demo-seed");
            post(RuntimeTopics.OPERATION_ENDED, Map.of(RuntimeTopics.GAME_ID, "doom", RuntimeTopics.OUTCOME_PROPERTY,
                    installed, RuntimeTopics.RESULT, "COMPLETED", RuntimeTopics.MESSAGE, installed.message()));
            w.until("the summary", () -> w.status.messageText().equals(installed.summary()));
            assertEquals(installed.message(), w.status.messageTooltip());
            String disagree = "peers disagree about the content of quake3 20240315: taken: 2 peer(s) (a, b) offer "
                    + "content 0123456789ab; other: 1 peer(s) (c) offer content ba9876543210";
            post(RuntimeTopics.PEERS_DISAGREE, Map.of(RuntimeTopics.GAME_ID, "quake3", RuntimeTopics.MESSAGE, disagree,
                    RuntimeTopics.PEERS_PROPERTY, List.of("cc".repeat(32))));
            w.until("the disagreement, while the download runs", () -> w.status.messageText().equals(disagree));
        }
    }

    /**
     * A real download from a real QUIC seed that uploads at 2 MiB/s: progress shows while it runs (and is
     * screenshotted), then it is cancelled and everything put back.
     */
    @Test
    void aRealDownloadShowsProgressAndCanBeCancelled(@TempDir Path dir) throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        PeerSettings before = runtime.settings();
        SlowSeed seed = new SlowSeed(dir, 40 * MIB, 2 * MIB);
        Path games = Files.createDirectories(dir.resolve("games"));
        // A library beside the download: games installed only, and downloads not unpacked yet.
        for (String id : List.of("doom", "warcraft3", "starcraft")) {
            Files.createDirectories(games.resolve(id).resolve("local"));
        }
        for (String id : List.of("ut2004", "counter-strike")) {
            Path folder = Files.createDirectories(games.resolve(id));
            RarWriter.rar5().randomFile("data.bin", 64 * 1024, 9).write(folder, id);
            Files.writeString(folder.resolve("version.ini"), "20240101\n");
        }
        try (seed; TestWindow w = new TestWindow(PartContexts.osgi())) {
            runtime.submit(new RuntimeCommand.ApplySettings(new PeerSettings(games, before.uploads(),
                    before.extractor(), List.of(seed.address()), true))).get(10, TimeUnit.SECONDS);
            Table table = w.games.viewer().getTable();
            w.until("the seed's game", () -> state(table, "Quake III Arena").equals("on peers"));
            w.games.select("quake3");
            assertEquals("Install", w.games.mainActionButton().getText());
            w.games.mainActionButton().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            w.until("progress", () -> state(table, "Quake III Arena").matches("downloading [1-9]\\d?% .*"));
            w.until("a download rate in the status bar", () -> !w.status.ratesText().startsWith("↓ 0 B/s"));
            w.until("the seed in the details", () -> w.details.field("Peers that have it").startsWith("lan-seed"));
            w.screenshot("download-in-progress");

            w.games.mainActionButton().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event()); // Cancel
            w.until("the cancelled download", () -> !state(table, "Quake III Arena").startsWith("downloading"));
            assertEquals("incomplete", state(table, "Quake III Arena"), "verified chunks are kept for a resume");
            w.until("the outcome", () -> w.games.messageLabel().getText().toLowerCase().contains("cancel"));
        } finally {
            runtime.submit(new RuntimeCommand.Cancel("quake3")).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!runtime.snapshot().operations().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            runtime.submit(new RuntimeCommand.ApplySettings(before)).get(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Verify files and Repair from the Details part, on a real install with a file deleted and another changed: the
     * row and the message name the damage, Repair unpacks it again and keeps the file the game added (screenshots).
     */
    @Test
    void verifyAndRepairFromTheDetailsPart(@TempDir Path dir) throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        PeerSettings before = runtime.settings();
        Path games = Files.createDirectories(dir.resolve("games"));
        Path folder = Files.createDirectories(games.resolve("doom"));
        RarWriter.rar5().randomFile("game/doom.wad", 2 * MIB, 4).file("game/readme.txt", "Doom\n").write(folder, "doom");
        Files.writeString(folder.resolve("version.ini"), "1.9\n");
        try (TestWindow w = new TestWindow(PartContexts.osgi())) {
            runtime.submit(new RuntimeCommand.ApplySettings(new PeerSettings(games, before.uploads(),
                    before.extractor(), List.of(), true))).get(10, TimeUnit.SECONDS);
            assertEquals(org.lanspread.api.runtime.OperationOutcome.Result.COMPLETED,
                    runtime.submit(new RuntimeCommand.Install("doom")).get(60, TimeUnit.SECONDS).result());
            Table table = w.games.viewer().getTable();
            w.until("doom installed", () -> state(table, "Doom").equals("installed"));
            Files.delete(folder.resolve("local/game/readme.txt"));
            Files.write(folder.resolve("local/game/doom.wad"), new byte[] { 1, 2, 3 }, java.nio.file.StandardOpenOption.WRITE);
            Files.writeString(folder.resolve("local/game/doom.cfg"), "fullscreen 1\n");
            w.games.select("doom");
            w.until("the details of doom", () -> w.details.titleText().equals("Doom") && w.details.verifyButton()
                    .isEnabled());
            w.details.verifyButton().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            w.until("verify's outcome", () -> w.details.messageLabel().getText().contains("needs repair"));
            assertEquals("Doom 1.9 needs repair — the install of doom 1.9 differs from its archives: 1 missing "
                    + "(game/readme.txt), 1 changed (game/doom.wad); 1 added by the game, kept (game/doom.cfg)",
                    w.details.messageLabel().getText());
            w.until("the row to say so", () -> state(table, "Doom").startsWith("installed: verify failed: the install"));
            w.screenshot("verify-found-damage");

            w.details.repairButton().notifyListeners(SWT.Selection, new org.eclipse.swt.widgets.Event());
            w.until("repair's outcome", () -> w.details.messageLabel().getText().contains("is repaired"));
            assertTrue(w.details.messageLabel().getText().startsWith("Doom 1.9 is repaired — install unpacked again"),
                    w.details.messageLabel().getText());
            w.until("the row without the failure", () -> state(table, "Doom").equals("installed"));
            assertEquals("Doom\n", Files.readString(folder.resolve("local/game/readme.txt")));
            assertEquals(2 * MIB, Files.size(folder.resolve("local/game/doom.wad")));
            assertEquals("fullscreen 1\n", Files.readString(folder.resolve("local/game/doom.cfg")), "kept");
            w.screenshot("repaired");
        } finally {
            runtime.submit(new RuntimeCommand.ApplySettings(before)).get(10, TimeUnit.SECONDS);
        }
    }
}
