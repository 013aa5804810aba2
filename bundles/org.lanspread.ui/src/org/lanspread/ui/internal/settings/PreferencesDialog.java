package org.lanspread.ui.internal.settings;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;
import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.runtime.RuntimeCommand;

/**
 * Settings: the game directory, upload caps, the extractor and manual peers (or, on a first start, the game
 * directory alone). OK sends them to the runtime, which applies and saves them; whatever is wrong (a field the form
 * cannot read, a directory the runtime refuses, a path change while operations run) shows inline, in the dialog's
 * message area, and the dialog stays open.
 */
public class PreferencesDialog extends TitleAreaDialog {

    static final String AUTOMATIC = "Automatic (the highest-ranked available)";

    private final PeerRuntime runtime;
    private final List<String> extractors;
    private final boolean firstStart;
    private final PeerSettings current;
    private Text gameDirectory;
    private Text totalCap;
    private Text perPeerCap;
    private Text concurrent;
    private Combo extractor;
    private Text manualPeers;
    private boolean applying;
    private PeerSettings applied;

    /**
     * @param extractors the registered extractors' ids, best first
     * @param firstStart whether to ask for the game directory alone
     */
    public PreferencesDialog(Shell parent, PeerRuntime runtime, List<String> extractors, boolean firstStart) {
        super(parent);
        this.runtime = runtime;
        this.extractors = List.copyOf(extractors);
        this.firstStart = firstStart;
        this.current = runtime.settings();
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(firstStart ? "Welcome to LanSpread" : "LanSpread Preferences");
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        setTitle(firstStart ? "Choose your game directory" : "Preferences");
        setMessage(firstStart ? "Games you download and install go here, one folder per game. It is created if it "
                + "does not exist." : "Changes apply at once and are kept for the next start.");
        Composite form = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(3).margins(10, 10).applyTo(form);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(form);

        gameDirectory = text(form, "Game directory:", current.gameDirectory().toString(), 1);
        Button browse = new Button(form, SWT.PUSH);
        browse.setText("Browse…");
        browse.addListener(SWT.Selection, e -> {
            DirectoryDialog chooser = new DirectoryDialog(getShell());
            chooser.setFilterPath(gameDirectory.getText());
            String chosen = chooser.open();
            if (chosen != null) {
                gameDirectory.setText(chosen);
            }
        });
        if (!firstStart) {
            totalCap = text(form, "Upload cap, all peers:", SettingsForm.rateText(current.uploads()
                    .globalBytesPerSecond()), 2);
            totalCap.setMessage("unlimited (e.g. 50M = 50 MiB/s)");
            perPeerCap = text(form, "Upload cap, each peer:", SettingsForm.rateText(current.uploads()
                    .perPeerBytesPerSecond()), 2);
            perPeerCap.setMessage("unlimited");
            concurrent = text(form, "Uploads at once:", current.uploads().maxConcurrentUploads() == 0 ? ""
                    : String.valueOf(current.uploads().maxConcurrentUploads()), 2);
            concurrent.setMessage("no limit");
            new Label(form, SWT.NONE).setText("Extractor:");
            extractor = new Combo(form, SWT.READ_ONLY);
            extractor.add(AUTOMATIC);
            List<String> ids = new ArrayList<>(extractors);
            if (current.extractor() != null && !ids.contains(current.extractor())) {
                ids.add(current.extractor()); // preferred but not registered now: keep it visible
            }
            ids.forEach(extractor::add);
            extractor.select(current.extractor() == null ? 0 : ids.indexOf(current.extractor()) + 1);
            GridDataFactory.fillDefaults().span(2, 1).grab(true, false).applyTo(extractor);
            Label peersLabel = new Label(form, SWT.NONE);
            peersLabel.setText("Manual peers:");
            GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).applyTo(peersLabel);
            manualPeers = new Text(form, SWT.BORDER | SWT.MULTI | SWT.V_SCROLL);
            manualPeers.setText(String.join("\n", current.manualPeers().stream().map(HostPorts::format).toList()));
            manualPeers.setMessage("host:port, one per line (for networks where peers are not found)");
            GridDataFactory.fillDefaults().span(2, 1).grab(true, true).hint(SWT.DEFAULT, 70).applyTo(manualPeers);
        }
        return area;
    }

    private static Text text(Composite form, String label, String value, int span) {
        new Label(form, SWT.NONE).setText(label);
        Text text = new Text(form, SWT.BORDER | SWT.SINGLE);
        text.setText(value);
        GridDataFactory.fillDefaults().span(span, 1).grab(true, false).hint(360, SWT.DEFAULT).applyTo(text);
        return text;
    }

    @Override
    protected void okPressed() {
        apply();
    }

    /** Reads the form and sends it; the dialog closes once the runtime applied it, else shows why not. */
    void apply() {
        if (applying) {
            return;
        }
        PeerSettings wanted;
        try {
            wanted = firstStart
                    ? SettingsForm.read(gameDirectory.getText(), SettingsForm.rateText(current.uploads()
                            .globalBytesPerSecond()), SettingsForm.rateText(current.uploads().perPeerBytesPerSecond()),
                            String.valueOf(current.uploads().maxConcurrentUploads()), current.extractor(),
                            String.join("\n", current.manualPeers().stream().map(HostPorts::format).toList()))
                    : SettingsForm.read(gameDirectory.getText(), totalCap.getText(), perPeerCap.getText(),
                            concurrent.getText(), extractor.getSelectionIndex() <= 0 ? null : extractor.getText(),
                            manualPeers.getText());
        } catch (SettingsForm.Invalid e) {
            setErrorMessage(e.getMessage());
            return;
        }
        applying = true;
        setErrorMessage(null);
        setMessage("Applying …");
        getButton(IDialogConstants.OK_ID).setEnabled(false);
        Display display = getShell().getDisplay();
        runtime.submit(new RuntimeCommand.ApplySettings(wanted)).whenComplete((result, error) -> display.asyncExec(
                () -> {
                    if (getShell() == null || getShell().isDisposed()) {
                        return;
                    }
                    applying = false;
                    if (error != null) {
                        Throwable cause = error instanceof CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        setErrorMessage(cause.getMessage());
                        getButton(IDialogConstants.OK_ID).setEnabled(true);
                    } else {
                        applied = result;
                        setReturnCode(OK);
                        close();
                    }
                }));
    }

    /** What the runtime applied, once OK succeeded; else null. */
    public PeerSettings applied() {
        return applied;
    }

    /** The message area's error, or null (for tests). */
    String error() {
        return getErrorMessage();
    }

    Text gameDirectoryText() {
        return gameDirectory;
    }

    Text totalCapText() {
        return totalCap;
    }

    Text perPeerCapText() {
        return perPeerCap;
    }

    Text manualPeersText() {
        return manualPeers;
    }

    Combo extractorCombo() {
        return extractor;
    }
}
