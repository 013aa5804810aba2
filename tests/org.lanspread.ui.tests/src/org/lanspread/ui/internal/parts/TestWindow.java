package org.lanspread.ui.internal.parts;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.layout.GridData;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.layout.FillLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;

/**
 * The main window's parts laid out as Application.e4xmi does (Games and Peers on the left, Details on the right,
 * the status bar at the bottom), each made by e4 injection in its own context over {@code parent}, the way the
 * workbench makes them; with helpers to run the UI loop and to save screenshots.
 */
public final class TestWindow implements AutoCloseable {

    final Display display;
    public final Shell shell;
    final GamesPart games;
    final PeersPart peers;
    final DetailsPart details;
    final StatusBar status;
    private final java.util.List<IEclipseContext> contexts = new java.util.ArrayList<>();

    public TestWindow(IEclipseContext parent) {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setText("LanSpread");
        shell.setSize(1200, 760);
        shell.setLayout(new GridLayout(1, false));
        SashForm sash = new SashForm(shell, SWT.HORIZONTAL);
        sash.setLayoutData(new GridData(SWT.FILL, SWT.FILL, true, true));
        SashForm left = new SashForm(sash, SWT.VERTICAL);
        games = make(GamesPart.class, parent, left);
        peers = make(PeersPart.class, parent, left);
        left.setWeights(68, 32);
        details = make(DetailsPart.class, parent, sash);
        sash.setWeights(72, 28);
        Composite bottom = new Composite(shell, SWT.NONE);
        bottom.setLayout(new FillLayout());
        bottom.setLayoutData(new GridData(SWT.FILL, SWT.END, true, false));
        status = make(StatusBar.class, parent, bottom);
        shell.open();
        pump(200);
    }

    private <T> T make(Class<T> type, IEclipseContext parent, Composite in) {
        Composite holder = new Composite(in, SWT.NONE);
        holder.setLayout(new FillLayout());
        IEclipseContext context = PartContexts.forPart(parent, holder);
        contexts.add(context);
        return ContextInjectionFactory.make(type, context);
    }

    /** Runs the UI loop for {@code millis}. */
    public void pump(long millis) {
        long until = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < until) {
            if (!display.readAndDispatch()) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Runs the UI loop until {@code condition} holds (20 s at most). */
    public void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + " (status bar: " + status.ratesText()
                        + " / " + status.operationsText() + " / " + status.messageText() + "; games: "
                        + games.summaryLabel().getText() + " / " + games.messageLabel().getText() + ")");
            }
            if (!display.readAndDispatch()) {
                Thread.sleep(5);
            }
        }
    }

    /** A PNG of the whole screen (so that dialogs over the window show too) under target/screenshots. */
    public Path screenshot(String name) throws Exception {
        pump(400);
        return org.lanspread.ui.internal.Screenshots.save(display, display.getBounds(), name);
    }

    @Override
    public void close() {
        contexts.forEach(IEclipseContext::dispose); // as the workbench does when parts close: no more events
        shell.dispose();
        pump(50);
    }

    /** The index of the column titled {@code title}. */
    static int column(Table table, String title) {
        for (int i = 0; i < table.getColumnCount(); i++) {
            if (table.getColumn(i).getText().equals(title)) {
                return i;
            }
        }
        throw new AssertionError("no column '" + title + "'");
    }
}
