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
        IEclipseContext context = parent.createChild("games-part-test");
        context.set(Composite.class, shell);
        // What the workbench puts in every window's context: how to reach the UI thread (@UIEventTopic uses it).
        context.set(UISynchronize.class, new UISynchronize() {
            @Override
            public void syncExec(Runnable runnable) {
                display.syncExec(runnable);
            }

            @Override
            public void asyncExec(Runnable runnable) {
                display.asyncExec(runnable);
            }

            @Override
            protected boolean isUIThread(Thread thread) {
                return display.getThread() == thread;
            }

            @Override
            protected void showBusyWhile(Runnable runnable) {
                runnable.run();
            }

            @Override
            protected boolean dispatchEvents() {
                return display.readAndDispatch();
            }
        });
        // ... and, as the workbench does at start, give the @UIEventTopic supplier that way to the UI thread.
        BundleContext osgi = FrameworkUtil.getBundle(GamesPartTest.class).getBundleContext();
        try {
            for (ServiceReference<ExtendedObjectSupplier> ref : osgi.getServiceReferences(ExtendedObjectSupplier.class,
                    "(dependency.injection.annotation=org.eclipse.e4.ui.di.UIEventTopic)")) {
                ContextInjectionFactory.inject(osgi.getService(ref), context);
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        GamesPart part = ContextInjectionFactory.make(GamesPart.class, context);
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
        Files.writeString(games.resolve("quake3/quake3.rar"), "archive");
        Files.createDirectories(games.resolve("warcraft3/local"));
        BundleContext bundleContext = FrameworkUtil.getBundle(GamesPart.class).getBundleContext();
        PeerRuntime runtime = org.lanspread.testing.osgi.Services.await(PeerRuntime.class);
        runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, java.util.concurrent.TimeUnit.SECONDS);
        GamesPart part = make(EclipseContextFactory.getServiceContext(bundleContext));

        Table table = part.viewer().getTable();
        assertTrue(table.isVisible());
        assertEquals(3, table.getColumnCount());
        assertEquals(2, table.getItemCount());
        assertEquals("Quake III Arena", table.getItem(0).getText(0));
        assertEquals("downloaded", table.getItem(0).getText(1));
        assertEquals("20240315", table.getItem(0).getText(2));
        assertEquals("Warcraft III: The Frozen Throne", table.getItem(1).getText(0));
        assertEquals("local only", table.getItem(1).getText(1));
        assertEquals("2 game(s) in the library", summary().getText());

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
        assertEquals("3 game(s) in the library", summary().getText());
    }

    @Test
    void saysSoWhenNoRuntimeServiceIsThere() {
        GamesPart part = make(EclipseContextFactory.create("no-osgi"));
        assertEquals(0, part.viewer().getTable().getItemCount());
        assertEquals("The peer runtime is not available.", summary().getText());
    }

    private Label summary() {
        return (Label) shell.getChildren()[0];
    }
}
