package org.lanspread.ui.internal.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;
import org.lanspread.ui.internal.parts.PartContexts;
import org.lanspread.ui.internal.parts.SlowSeed;
import org.lanspread.ui.internal.parts.TestWindow;

/**
 * The first-start and preferences dialogs against the real runtime: what it refuses shows inline and the dialog
 * stays open; what it accepts is applied at once.
 */
class PreferencesDialogTest {

    private static final long MIB = 1024 * 1024;

    private static PreferencesDialog open(TestWindow window, PeerRuntime runtime, boolean firstStart) {
        PreferencesDialog dialog = new PreferencesDialog(window.shell, runtime, Extractors.ids(), firstStart);
        dialog.setBlockOnOpen(false);
        dialog.open();
        window.pump(200);
        return dialog;
    }

    private static boolean closed(PreferencesDialog dialog) {
        return dialog.getShell() == null || dialog.getShell().isDisposed();
    }

    @Test
    void theFirstStartAsksForTheGameDirectoryAndShowsWhatIsWrongInline(@TempDir Path dir) throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        PeerSettings before = runtime.settings();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        runtime.submit(new RuntimeCommand.SetGameDir(empty)).get(10, TimeUnit.SECONDS);
        try (TestWindow window = new TestWindow(PartContexts.osgi())) {
            PreferencesDialog dialog = open(window, runtime, true);
            assertEquals(empty.toString(), dialog.gameDirectoryText().getText(), "the default is proposed");
            window.screenshot("first-start");

            Path file = Files.writeString(dir.resolve("a-file"), "not a folder");
            dialog.gameDirectoryText().setText(file.toString());
            dialog.apply();
            window.until("the runtime's refusal", () -> dialog.error() != null);
            assertTrue(dialog.error().contains(file.toString()) && dialog.error().contains("not a directory"),
                    dialog.error());
            assertFalse(closed(dialog), "the dialog stays open");

            dialog.gameDirectoryText().setText("games/here");
            dialog.apply();
            assertEquals("Game directory: 'games/here' is not an absolute path", dialog.error());

            Path chosen = dir.resolve("my games");
            dialog.gameDirectoryText().setText(chosen.toString());
            dialog.apply();
            window.until("the dialog to close", () -> closed(dialog));
            assertEquals(chosen, dialog.applied().gameDirectory());
            assertTrue(Files.isDirectory(chosen), "created");
            assertEquals(chosen, runtime.gameDirectory());
            assertTrue(runtime.settings().confirmed());
        } finally {
            runtime.submit(new RuntimeCommand.ApplySettings(before)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aGameDirectoryChangeIsRefusedWhileAnOperationRunsAndCapsApplyAtOnce(@TempDir Path dir) throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        PeerSettings before = runtime.settings();
        Path games = Files.createDirectories(dir.resolve("games"));
        try (SlowSeed seed = new SlowSeed(dir, 40 * MIB, 2 * MIB);
                TestWindow window = new TestWindow(PartContexts.osgi())) {
            runtime.submit(new RuntimeCommand.ApplySettings(new PeerSettings(games, before.uploads(), null,
                    List.of(seed.address()), true))).get(10, TimeUnit.SECONDS);
            window.until("the seed's game", () -> runtime.snapshot().games().stream()
                    .anyMatch(g -> g.id().equals("quake3") && g.peerCount() == 1));
            runtime.submit(new RuntimeCommand.Install("quake3"));
            window.until("the download", () -> !runtime.snapshot().operations().isEmpty());

            PreferencesDialog dialog = open(window, runtime, false);
            assertEquals(seed.address().getHostString() + ":" + seed.address().getPort(),
                    dialog.manualPeersText().getText());
            dialog.gameDirectoryText().setText(dir.resolve("elsewhere").toString());
            dialog.apply();
            window.until("the refusal", () -> dialog.error() != null);
            assertTrue(dialog.error().contains("operation(s) are active: quake3 (download)"), dialog.error());
            assertFalse(closed(dialog));
            window.screenshot("preferences-refused");
            assertEquals(games, runtime.gameDirectory(), "nothing changed");

            dialog.gameDirectoryText().setText(games.toString());
            dialog.totalCapText().setText("fast");
            dialog.apply();
            assertTrue(dialog.error().startsWith("Upload cap (all peers): 'fast' is not a rate"), dialog.error());

            dialog.totalCapText().setText("50M");
            dialog.perPeerCapText().setText("512K");
            dialog.apply();
            window.until("the dialog to close", () -> closed(dialog));
            assertEquals(new UploadLimits(50 * MIB, 512 * 1024, before.uploads().maxConcurrentUploads()),
                    runtime.settings().uploads());
            assertFalse(runtime.snapshot().operations().isEmpty(), "the download went on");
        } finally {
            runtime.submit(new RuntimeCommand.Cancel("quake3")).get(10, TimeUnit.SECONDS);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!runtime.snapshot().operations().isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            runtime.submit(new RuntimeCommand.ApplySettings(before)).get(10, TimeUnit.SECONDS);
        }
    }
}
