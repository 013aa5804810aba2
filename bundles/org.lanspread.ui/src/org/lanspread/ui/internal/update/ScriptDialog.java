package org.lanspread.ui.internal.update;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/**
 * What the update and plug-ins dialogs share: the installation's script (null outside an installed product), the
 * update site row, a verdict line and the script's output, and the restart offered after a change.
 */
abstract class ScriptDialog extends Dialog {

    protected final ProductScript script;
    protected final Runnable restart;
    private final String title;
    protected Text site;
    protected Label verdict;
    protected Text output;

    ScriptDialog(Shell parent, String title, ProductScript script, Runnable restart) {
        super(parent);
        this.title = title;
        this.script = script;
        this.restart = restart;
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText(title);
    }

    @Override
    protected boolean isResizable() {
        return true;
    }

    /** "Update site:" and its text field (spanning {@code span} columns), disabled outside an installed product. */
    protected Text siteRow(Composite area, int span, String hint, String text) {
        new Label(area, SWT.NONE).setText("Update site:");
        site = new Text(area, SWT.BORDER);
        site.setMessage(hint);
        site.setText(text);
        site.setEnabled(script != null);
        GridDataFactory.fillDefaults().span(span, 1).grab(true, false).hint(420, SWT.DEFAULT).applyTo(site);
        return site;
    }

    /** The verdict line and the output below it, across {@code columns}; says what is missing outside a product. */
    protected void verdictAndOutput(Composite area, int columns, int outputHeight, String notInstalled) {
        verdict = new Label(area, SWT.WRAP);
        GridDataFactory.fillDefaults().span(columns, 1).grab(true, false).hint(420, SWT.DEFAULT).applyTo(verdict);
        output = new Text(area, SWT.MULTI | SWT.READ_ONLY | SWT.BORDER | SWT.V_SCROLL | SWT.H_SCROLL);
        GridDataFactory.fillDefaults().span(columns, 1).grab(true, true).hint(600, outputHeight).applyTo(output);
        if (script == null) {
            verdict.setText(notInstalled + " an installed LanSpread product (its folder holds the lanspread start "
                    + "script); this window runs from elsewhere.");
        }
    }

    Label verdictLabel() {
        return verdict;
    }

    Text siteText() {
        return site;
    }
}
