package org.lanspread.ui.internal.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.DirectoryDialog;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * Help › Check for Updates: an update site (a folder or a URL, remembered), Check (what would change), Update (the p2
 * director on this installation's profile, applied whole or rolled back), and a restart offered when it is done. The
 * work runs the product's own script ({@code update-product SITE [--check]}) off the UI thread; its lines are shown.
 * While the update downloads, Cancel (or closing the dialog) stops it and the installation stays as it was; while it
 * is applied (seconds) nothing can stop it, and the dialog says so.
 */
final class UpdateDialog extends ScriptDialog {

    static final int CHECK = IDialogConstants.CLIENT_ID + 1;
    static final int UPDATE = IDialogConstants.CLIENT_ID + 2;
    static final int CANCEL_UPDATE = IDialogConstants.CLIENT_ID + 3;

    private final Path remembered;
    private boolean busy;
    private boolean updatable;
    private ScriptJob job;

    /**
     * @param script     the installation's script, or null when this window does not run from an installed product
     * @param remembered the file that keeps the last site used
     * @param restart    starts the product again and closes this window
     */
    UpdateDialog(Shell parent, ProductScript script, Path remembered, Runnable restart) {
        super(parent, "Check for Updates", script, restart);
        this.remembered = remembered;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        area.setLayout(GridLayoutFactory.swtDefaults().numColumns(3).create());
        siteRow(area, 1, "a folder or a URL (http://, file:)", lastSite());
        Button browse = new Button(area, SWT.PUSH);
        browse.setText("Folder…");
        browse.addListener(SWT.Selection, e -> {
            String folder = new DirectoryDialog(getShell()).open();
            if (folder != null) {
                site.setText(folder);
            }
        });
        verdictAndOutput(area, 3, 180, "Updates apply to");
        browse.setEnabled(script != null);
        if (script != null) {
            verdict.setText("Check what the site offers for LanSpread " + "(installed: " + script.path().getParent()
                    + ").");
        }
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, CHECK, "&Check", true).setEnabled(script != null);
        createButton(parent, UPDATE, "&Update", false).setEnabled(false);
        createButton(parent, CANCEL_UPDATE, "Ca&ncel Update", false).setEnabled(false);
        createButton(parent, IDialogConstants.CLOSE_ID, IDialogConstants.CLOSE_LABEL, false);
    }

    @Override
    protected void buttonPressed(int id) {
        if (id == IDialogConstants.CLOSE_ID) {
            if (!busy) {
                close();
            }
        } else if (id == CHECK) {
            run(List.of("update-product", site.getText().strip(), "--check"), this::checked);
        } else if (id == UPDATE) {
            run(List.of("update-product", site.getText().strip()), this::updated);
        } else if (id == CANCEL_UPDATE) {
            cancel();
        }
    }

    /** Closing the dialog (Esc, the title bar) while the update downloads cancels it; while it is applied, waits. */
    @Override
    protected void handleShellCloseEvent() {
        if (!busy) {
            super.handleShellCloseEvent();
        } else if (getButton(CANCEL_UPDATE).isEnabled()) {
            cancel();
        }
    }

    private void cancel() {
        if (job != null && getButton(CANCEL_UPDATE).isEnabled()) {
            getButton(CANCEL_UPDATE).setEnabled(false);
            verdict.setText("Cancelling the update…");
            job.cancel();
        }
    }

    /** Follows the script's steps: Cancel is offered while it downloads, not once it applies the update. */
    private void step(String line) {
        if (line.startsWith("lanspread: downloading the update")) {
            getButton(CANCEL_UPDATE).setEnabled(true);
            verdict.setText("Downloading the update… Cancel stops it: nothing is changed until it is applied.");
        } else if (line.startsWith("lanspread: applying the update")) {
            getButton(CANCEL_UPDATE).setEnabled(false);
            verdict.setText("Applying the update… It cannot be cancelled now; it takes a few seconds.");
        } else {
            return;
        }
        verdict.getParent().layout(true, true);
    }

    private void checked(ProductScript.Result result) {
        List<String> said = result.said();
        updatable = result.exit() == ProductScript.UPDATE_AVAILABLE;
        verdict.setText(updatable ? "An update is available. " + String.join(" ", said.stream()
                .filter(l -> l.startsWith("installed:") || l.startsWith("available:")).toList())
                : result.exit() == 0 ? "LanSpread is up to date (" + String.join(" ", said) + ")"
                        : "The check failed: " + String.join(" ", said));
        remember();
    }

    private void updated(ProductScript.Result result) {
        if (result.exit() == ProductScript.CANCELLED) {
            verdict.setText("The update was cancelled; LanSpread is as it was.");
            return;
        }
        updatable = false;
        if (result.exit() != 0) {
            verdict.setText("The update failed and was rolled back; LanSpread is as it was. "
                    + String.join(" ", result.said()));
            return;
        }
        verdict.setText("LanSpread was updated. It runs the new version after a restart.");
        if (MessageDialog.openQuestion(getShell(), "LanSpread was updated",
                "LanSpread was updated. Restart now to run the new version?")) {
            close();
            restart.run();
        }
    }

    /** Runs the script off the UI thread, its lines appended to the output, then {@code done} on the UI thread. */
    private void run(List<String> args, Consumer<ProductScript.Result> done) {
        if (site.getText().isBlank()) {
            verdict.setText("Enter an update site: a folder or a URL.");
            return;
        }
        busy = true;
        output.setText("");
        verdict.setText(args.contains("--check") ? "Checking…" : "Updating… (the installation changes as a whole or"
                + " not at all)");
        buttons(false);
        job = ScriptJob.start(script, args, output, this::step, result -> {
            busy = false;
            job = null;
            getButton(CANCEL_UPDATE).setEnabled(false);
            done.accept(result);
            buttons(true);
            verdict.getParent().layout(true, true);
        });
    }

    private void buttons(boolean enabled) {
        getButton(CHECK).setEnabled(enabled);
        getButton(UPDATE).setEnabled(enabled && updatable);
        getButton(IDialogConstants.CLOSE_ID).setEnabled(enabled);
    }

    private String lastSite() {
        try {
            return remembered != null && Files.isRegularFile(remembered) ? Files.readString(remembered).strip() : "";
        } catch (IOException e) {
            return "";
        }
    }

    private void remember() {
        try {
            if (remembered != null) {
                Files.createDirectories(remembered.getParent());
                Files.writeString(remembered, site.getText().strip() + "\n");
            }
        } catch (IOException e) {
            // not remembered: asked again next time
        }
    }

    Button button(int id) {
        return getButton(id);
    }

    Text outputText() {
        return output;
    }
}
