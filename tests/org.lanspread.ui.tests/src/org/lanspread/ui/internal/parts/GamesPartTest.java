package org.lanspread.ui.internal.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.core.di.suppliers.ExtendedObjectSupplier;
import org.eclipse.e4.ui.di.UISynchronize;
import org.osgi.framework.ServiceReference;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;

/** Renders the Games part in a real SWT shell (Xvfb in CI), with its service injected by e4 from OSGi. */
class GamesPartTest {

    private Display display;
    private Shell shell;

    @BeforeEach
    void openShell() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setSize(900, 500);
    }

    @AfterEach
    void closeShell() {
        shell.dispose();
    }

    private GamesPart make(IEclipseContext parent) {
        IEclipseContext context = PartContexts.forPart(parent, shell);
        GamesPart part = ContextInjectionFactory.make(GamesPart.class, context);
        current = part;
        shell.open();
        while (display.readAndDispatch()) {
            // let the shell lay out and paint
        }
        return part;
    }

    @Test
    void showsOneRowPerGameFromTheOsgiService(@TempDir Path games) throws Exception {
        Files.createDirectories(games.resolve("quake3"));
        Files.writeString(games.resolve("quake3/version.ini"), "20240315");
        org.lanspread.testing.rar.RarWriter.rar4().file("baseq3/readme.txt", "frag").write(games.resolve("quake3"),
                "quake3"); // a real archive: a text file named .rar would be shown damaged once checked
        Files.createDirectories(games.resolve("warcraft3/local"));
        BundleContext bundleContext = FrameworkUtil.getBundle(GamesPart.class).getBundleContext();
        PeerRuntime runtime = org.lanspread.testing.osgi.Runtimes.awaitStarted();
        runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        GamesPart part = make(EclipseContextFactory.getServiceContext(bundleContext));

        Table table = part.viewer().getTable();
        assertTrue(table.isVisible());
        assertEquals(8, table.getColumnCount());
        assertEquals(2, table.getItemCount());
        assertEquals("Quake III Arena", table.getItem(0).getText(0));
        assertEquals("Arena shooter", table.getItem(0).getText(GamesModel.Column.GENRE.ordinal()), "genre from the catalog");
        assertEquals("64", table.getItem(0).getText(GamesModel.Column.PLAYERS.ordinal()), "players from the catalog");
        assertEquals("downloaded", table.getItem(0).getText(GamesModel.Column.STATE.ordinal()));
        assertEquals("20240315", table.getItem(0).getText(GamesModel.Column.LOCAL.ordinal()));
        assertEquals("Warcraft III: The Frozen Throne", table.getItem(1).getText(0));
        assertEquals("local only", table.getItem(1).getText(GamesModel.Column.STATE.ordinal()));
        assertEquals("2 game(s)", summary().getText());

        // A change on disk reaches the part through the published snapshot alone: no refresh() call.
        long before = part.shownRevision();
        Files.createDirectories(games.resolve("doom/local"));
        runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (table.getItemCount() != 3 && System.nanoTime() < deadline) {
            if (!display.readAndDispatch()) {
                Thread.sleep(10);
            }
        }
        assertEquals(3, table.getItemCount(), "the new game arrived with a snapshot event");
        assertTrue(part.shownRevision() > before);
        assertEquals("3 game(s)", summary().getText());
    }

    @Test
    void saysSoWhenNoRuntimeServiceIsThere() {
        GamesPart part = make(EclipseContextFactory.create("no-osgi"));
        assertEquals(0, part.viewer().getTable().getItemCount());
        assertEquals("The peer runtime is not available.", summary().getText());
    }

    private GamesPart current;

    private Label summary() {
        return current.summaryLabel();
    }

    /** Runs the UI loop until {@code condition} holds (10 s at most). */
    private void until(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            if (!display.readAndDispatch()) {
                Thread.sleep(10);
            }
        }
    }

    private static String state(Table table, String name) {
        for (var item : table.getItems()) {
            if (item.getText(0).equals(name)) {
                return item.getText(GamesModel.Column.STATE.ordinal());
            }
        }
        return "(no row " + name + ")";
    }

    private static void select(GamesPart part, String id) {
        part.select(id);
    }

    @Test
    void theMainActionInstallsAndUninstallIsInTheContextMenu(@TempDir Path games) throws Exception {
        Path quake = Files.createDirectories(games.resolve("quake3"));
        org.lanspread.testing.rar.RarWriter.rar5().randomFile("baseq3/pak0.pk3", 3 << 20, 1).write(quake, "quake3");
        Files.writeString(quake.resolve("version.ini"), "20240315\n");
        PeerRuntime runtime = org.lanspread.testing.osgi.Runtimes.awaitStarted();
        runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        GamesPart part = make(EclipseContextFactory.getServiceContext(
                FrameworkUtil.getBundle(GamesPart.class).getBundleContext()));
        Table table = part.viewer().getTable();
        select(part, "quake3");
        assertEquals("Install", part.mainActionButton().getText());
        part.mainActionButton().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        until("the install to finish", () -> state(table, "Quake III Arena").equals("installed"));
        until("the main action to follow", () -> part.mainActionButton().getText().equals("Play"));
        assertTrue(Files.isRegularFile(quake.resolve("local/baseq3/pak0.pk3")));
        until("the outcome message", () -> part.messageLabel().getText().contains("installed"));

        var menu = table.getMenu();
        menu.notifyListeners(org.eclipse.swt.SWT.Show, new org.eclipse.swt.widgets.Event());
        var uninstall = java.util.Arrays.stream(menu.getItems()).filter(i -> i.getText().equals("Uninstall"))
                .findFirst().orElseThrow();
        assertTrue(uninstall.isEnabled());
        assertEquals("Play", part.mainActionButton().getText(), "a secondary action does not change the main one");
        uninstall.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        until("the uninstall to finish", () -> state(table, "Quake III Arena").equals("downloaded"));
        until("the main action to follow", () -> part.mainActionButton().getText().equals("Install"));
        assertTrue(!Files.exists(quake.resolve("local")));
    }

    @Test
    void deleteAsksFirstThenRemovesTheInstallAndTheDownload(@TempDir Path games) throws Exception {
        Path quake = Files.createDirectories(games.resolve("quake3"));
        org.lanspread.testing.rar.RarWriter.rar5().randomFile("baseq3/pak0.pk3", 3 << 20, 2).write(quake, "quake3");
        Files.writeString(quake.resolve("version.ini"), "20240315\n");
        PeerRuntime runtime = org.lanspread.testing.osgi.Runtimes.awaitStarted();
        runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        runtime.submit(new RuntimeCommand.Install("quake3")).get(30, java.util.concurrent.TimeUnit.SECONDS);
        GamesPart part = make(EclipseContextFactory.getServiceContext(
                FrameworkUtil.getBundle(GamesPart.class).getBundleContext()));
        Table table = part.viewer().getTable();
        until("the installed game", () -> state(table, "Quake III Arena").equals("installed"));
        select(part, "quake3");
        var menu = table.getMenu();
        menu.notifyListeners(org.eclipse.swt.SWT.Show, new org.eclipse.swt.widgets.Event());
        var delete = java.util.Arrays.stream(menu.getItems()).filter(i -> i.getText().equals("Delete…"))
                .findFirst().orElseThrow();
        assertTrue(delete.isEnabled());

        String[] asked = new String[1];
        answer("Cancel", asked, null);
        delete.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        assertTrue(asked[0] != null && asked[0].contains("Delete Quake III Arena from this machine?")
                && asked[0].contains(quake.toString()) && asked[0].contains("install and its downloaded archives"),
                "the question names the game, its folder and what goes: " + asked[0]);
        assertTrue(Files.isRegularFile(quake.resolve("local/baseq3/pak0.pk3")) && Files.exists(quake.resolve(
                "version.ini")), "Cancel deletes nothing");

        answer("Delete", asked, "delete-question");
        delete.notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        until("the row to go", () -> state(table, "Quake III Arena").startsWith("(no row"));
        assertTrue(!Files.exists(quake), "the whole folder is gone");
        until("the outcome message", () -> part.messageLabel().getText().contains("quake3 was deleted"));
    }

    /** Answers the next dialog with the button {@code label}; keeps its message (and a screenshot of it). */
    private void answer(String label, String[] asked, String screenshot) {
        display.timerExec(300, () -> {
            for (Shell dialog : display.getShells()) {
                if (dialog != shell && dialog.isVisible() && dialog.getText().startsWith("Delete ")) {
                    asked[0] = texts(dialog);
                    if (screenshot != null) {
                        capture(dialog, screenshot);
                    }
                    button(dialog, label).notifyListeners(org.eclipse.swt.SWT.Selection,
                            new org.eclipse.swt.widgets.Event());
                    return;
                }
            }
            answer(label, asked, screenshot); // not open yet
        });
    }

    private static String texts(Composite parent) {
        StringBuilder out = new StringBuilder();
        for (var child : parent.getChildren()) {
            if (child instanceof Label label) {
                out.append(label.getText()).append('\n');
            } else if (child instanceof Composite inner) {
                out.append(texts(inner));
            }
        }
        return out.toString();
    }

    private static org.eclipse.swt.widgets.Button button(Composite parent, String label) {
        for (var child : parent.getChildren()) {
            if (child instanceof org.eclipse.swt.widgets.Button b && b.getText().equals(label)) {
                return b;
            } else if (child instanceof Composite inner) {
                var found = button(inner, label);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    private void capture(Shell dialog, String name) {
        try {
            org.lanspread.ui.internal.Screenshots.save(display, dialog.getBounds(), name);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * A real failure of the Required transport service: the kernel aborts the runtime's UDP socket (sock_diag
     * SOCK_DESTROY through {@code ss -K}, as when the address it listens on goes away). The banner names the
     * transport, Restart reads "Reconnecting" while the runtime starts again, and the banner goes once it runs.
     */
    @Test
    void aRealTransportFailureShowsTheBannerAndRestartReconnects() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")),
                "ss -K needs root (CI runs as root, where scripts/test fails on a skip)");
        PeerRuntime runtime = org.lanspread.testing.osgi.Runtimes.awaitStarted();
        assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state(), runtime.status().toString());
        GamesPart part = make(EclipseContextFactory.getServiceContext(
                FrameworkUtil.getBundle(GamesPart.class).getBundleContext()));
        assertTrue(!part.banner().isVisible(), "a running runtime: no banner");
        int port = runtime.listenAddress().getPort();
        try {
            failAndReconnect(runtime, part, port);
        } finally {
            if (runtime.status().state() != RuntimeStatus.State.RUNNING) { // leave a running runtime to other tests
                runtime.restart();
                until("the runtime to run again", () -> runtime.status().state() == RuntimeStatus.State.RUNNING);
            }
        }
    }

    private void failAndReconnect(PeerRuntime runtime, GamesPart part, int port) throws Exception {
        Process ss = new ProcessBuilder("ss", "-K", "-u", "-a", "sport = :" + port).redirectErrorStream(true).start();
        String said = new String(ss.getInputStream().readAllBytes());
        assertEquals(0, ss.waitFor(), "ss -K: " + said);
        assertTrue(said.contains(":" + port), "the socket was found and aborted: " + said);

        until("the banner", () -> part.banner().isVisible());
        assertEquals(RuntimeStatus.State.FAILED, runtime.status().state());
        assertTrue(part.bannerText().contains("transport failed") && part.bannerText().contains(":" + port),
                part.bannerText());
        assertTrue(part.restartButton().isEnabled());
        takeScreenshot("failure-banner");

        part.restartButton().notifyListeners(org.eclipse.swt.SWT.Selection, new org.eclipse.swt.widgets.Event());
        java.util.List<String> shown = new java.util.ArrayList<>();
        until("the runtime to run again", () -> {
            if (part.banner().isVisible()) {
                shown.add(part.bannerText());
            }
            return !part.banner().isVisible();
        });
        assertTrue(!shown.isEmpty() && shown.stream().allMatch(t -> t.startsWith("Reconnecting")),
                "while it restarted, the banner said it reconnects: " + shown);
        assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state());
        assertTrue(runtime.listenAddress() != null, "listening again");
    }

    /** A PNG of the test shell under target/screenshots (looked at by people, not asserted). */
    private void takeScreenshot(String name) throws Exception {
        long paintUntil = System.nanoTime() + 500_000_000L; // let the layout and the paint happen first
        while (System.nanoTime() < paintUntil) {
            if (!display.readAndDispatch()) {
                Thread.sleep(10);
            }
        }
        shell.update();
        org.lanspread.ui.internal.Screenshots.save(display, shell.getBounds(), name);
    }
}
