package org.lanspread.ui.internal.parts;

import java.util.List;
import java.util.Locale;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.e4.ui.workbench.UIEvents;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.ToolTip;
import org.eclipse.swt.widgets.Tray;
import org.eclipse.swt.widgets.TrayItem;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.RuntimeTopics;
import org.osgi.service.event.Event;

/**
 * The window's status bar (a tool control in the bottom trim): aggregate download and upload rates over all peers,
 * the number of active operations, and notifications: when a download, install, update or uninstall ends, or the
 * runtime has something to tell about its start, a tray balloon where the desktop has a system tray, and the status
 * bar's message either way.
 */
public class StatusBar {

    private final GamesSnapshotProvider provider;
    private final PeerRuntime runtime;
    /** Notices and refusals already told, so that a status posted again does not tell them twice. */
    private final java.util.Set<String> told = new java.util.HashSet<>();
    private Label rates;
    private Label operations;
    private Label message;
    private TrayItem trayItem;
    private Image trayImage;
    private long revision = -1;

    @Inject
    public StatusBar(@Optional GamesSnapshotProvider provider, @Optional PeerRuntime runtime) {
        this.provider = provider;
        this.runtime = runtime;
    }

    @PostConstruct
    public void createControls(Composite parent) {
        // One control in the trim bar (the renderer binds the one new child of its composite; keep its layout).
        Composite bar = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).margins(6, 2).spacing(18, 0).applyTo(bar);
        rates = new Label(bar, SWT.NONE);
        GridDataFactory.fillDefaults().hint(230, SWT.DEFAULT).applyTo(rates);
        operations = new Label(bar, SWT.NONE);
        GridDataFactory.fillDefaults().hint(150, SWT.DEFAULT).applyTo(operations);
        message = new Label(bar, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).hint(520, SWT.DEFAULT).applyTo(message);
        showRates(List.of());
        snapshotPublished(provider == null ? GamesSnapshot.empty() : provider.snapshot());
        Tray tray = parent.getDisplay().getSystemTray();
        if (tray != null) {
            trayImage = icon(parent.getDisplay());
            trayItem = new TrayItem(tray, SWT.NONE);
            trayItem.setImage(trayImage);
            trayItem.setToolTipText("LanSpread");
        }
        if (runtime != null) {
            statusChanged(runtime.status()); // what happened before this bar existed is told too
        }
    }

    /**
     * The runtime's status: notices about its start (a state database rebuilt) go to the status bar and the tray; a
     * start refused because another LanSpread holds the state directory is said in a dialog as well as the banner.
     */
    @Inject
    @Optional
    void statusChanged(@UIEventTopic(RuntimeTopics.STATUS) RuntimeStatus status) {
        if (message == null || message.isDisposed()) {
            return;
        }
        for (String notice : status.notices()) {
            if (told.add(notice)) {
                notify("LanSpread", notice, true);
            }
        }
        if (status.state() == RuntimeStatus.State.FAILED && RuntimeStatus.STATE_LOCK.equals(status.component())
                && told.add(status.error())) {
            setMessage(status.error());
            Shell shell = message.getShell();
            shell.getDisplay().asyncExec(() -> { // not inside the event's delivery
                if (!shell.isDisposed()) {
                    MessageDialog.openError(shell, LOCKED_TITLE, status.error() + "\n\nClose the other LanSpread "
                            + "first, or give this one a state directory of its own (LANSPREAD_DATA).");
                }
            });
        }
    }

    /** The title of the dialog shown when another LanSpread holds the state directory. */
    static final String LOCKED_TITLE = org.lanspread.ui.internal.app.WindowApplication.LOCKED_TITLE;

    private static Image icon(Display display) {
        Image image = new Image(display, 16, 16);
        GC gc = new GC(image);
        gc.setBackground(display.getSystemColor(SWT.COLOR_DARK_BLUE));
        gc.fillOval(1, 1, 14, 14);
        gc.dispose();
        return image;
    }

    /**
     * The workbench lays the window out before its menu bar takes its height: the bottom trim, this bar, is placed
     * by the shell's full height and lies below the client area, cut off, until the window is resized (measured under
     * Xvfb, with and without a window manager: trim at y 710, client area 706 high). One layout of the shell once the
     * workbench has started puts it inside.
     */
    @Inject
    @Optional
    void workbenchStarted(@UIEventTopic(UIEvents.UILifeCycle.APP_STARTUP_COMPLETE) Event event) {
        if (message == null || message.isDisposed()) {
            return;
        }
        Shell shell = message.getShell();
        shell.getDisplay().asyncExec(() -> {
            if (!shell.isDisposed()) {
                shell.layout(true, true);
            }
        });
    }

    @Inject
    @Optional
    void peersChanged(@UIEventTopic(RuntimeTopics.PEERS) List<PeerSummary> peers) {
        if (rates != null && !rates.isDisposed()) {
            showRates(peers);
        }
    }

    private void showRates(List<PeerSummary> peers) {
        long down = peers.stream().mapToLong(PeerSummary::downBytesPerSecond).sum();
        long up = peers.stream().mapToLong(PeerSummary::upBytesPerSecond).sum();
        rates.setText("↓ " + rate(down) + "   ↑ " + rate(up));
    }

    static String rate(long bytesPerSecond) {
        return bytesPerSecond <= 0 ? "0 B/s" : GameActions.size(bytesPerSecond) + "/s";
    }

    @Inject
    @Optional
    void snapshotPublished(@UIEventTopic(RuntimeTopics.SNAPSHOT) GamesSnapshot snapshot) {
        if (operations == null || operations.isDisposed() || snapshot.revision() < revision) {
            return;
        }
        revision = snapshot.revision();
        int active = snapshot.operations().size();
        operations.setText(active == 0 ? "No operations" : String.format(Locale.ROOT, "%d operation%s running",
                active, active == 1 ? "" : "s"));
    }

    /** An operation ended: tell the user, whatever part has the focus. */
    @Inject
    @Optional
    void operationEnded(@UIEventTopic(RuntimeTopics.OPERATION_ENDED) Event event) {
        if (message == null || message.isDisposed()
                || !(event.getProperty(RuntimeTopics.OUTCOME_PROPERTY) instanceof OperationOutcome outcome)) {
            return;
        }
        boolean bad = outcome.result() == OperationOutcome.Result.FAILED
                || outcome.result() == OperationOutcome.Result.ALL_PEERS_GONE;
        // A player reads the summary; the figures are in the tooltip (and the log).
        notify(bad ? "LanSpread: " + outcome.kind().name().toLowerCase(Locale.ROOT) + " failed" : "LanSpread",
                outcome.summary(), bad);
        message.setToolTipText(outcome.message());
    }

    /** Peers disagree about the content of a version being downloaded: told at once, not only when it ends. */
    @Inject
    @Optional
    void peersDisagree(@UIEventTopic(RuntimeTopics.PEERS_DISAGREE) Event event) {
        if (message != null && !message.isDisposed()
                && event.getProperty(RuntimeTopics.MESSAGE) instanceof String text) {
            notify("LanSpread: peers disagree", text, true);
        }
    }

    @Inject
    @Optional
    void statusMessage(@UIEventTopic(UiTopics.STATUS_MESSAGE) String text) { // e.g. from a handler
        if (message != null && !message.isDisposed()) {
            setMessage(text);
        }
    }

    private void notify(String heading, String text, boolean error) {
        setMessage(text);
        if (trayItem != null && !trayItem.isDisposed()) {
            ToolTip tip = new ToolTip(message.getShell(), SWT.BALLOON | (error ? SWT.ICON_ERROR : SWT.ICON_INFORMATION));
            tip.setText(heading);
            tip.setMessage(text);
            trayItem.setToolTip(tip);
            tip.setVisible(true);
        }
    }

    private void setMessage(String text) {
        message.setText(text);
        message.setToolTipText(text);
        message.getParent().layout();
    }

    @PreDestroy
    void dispose() {
        if (trayItem != null) {
            trayItem.dispose();
        }
        if (trayImage != null) {
            trayImage.dispose();
        }
    }

    String ratesText() {
        return rates.getText();
    }

    String operationsText() {
        return operations.getText();
    }

    String messageTooltip() {
        return message.getToolTipText();
    }

    String messageText() {
        return message.getText();
    }

    boolean usesTray() {
        return trayItem != null;
    }
}
