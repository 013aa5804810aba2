package org.lanspread.ui.internal.update;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

/**
 * Help › Plug-ins…: the plug-in features installed in this installation and those an update site offers, installed
 * and uninstalled with the p2 director (the product script's {@code plugins}, {@code install-plugin} and
 * {@code uninstall-plugin}); a restart is offered after a change, which takes effect at the next start.
 */
final class PluginsDialog extends ScriptDialog {

    static final int SHOW = IDialogConstants.CLIENT_ID + 1;
    static final int INSTALL = IDialogConstants.CLIENT_ID + 2;
    static final int UNINSTALL = IDialogConstants.CLIENT_ID + 3;
    /** "id.feature.group=version" (a site's list) or "id.feature.group/version" (installed roots). */
    private static final Pattern FEATURE = Pattern.compile("^(\\S+)\\.feature\\.group[=/](\\S+)$");
    /** LanSpread itself: updated with Check for Updates, never uninstalled here. */
    private static final List<String> PRODUCT = List.of("org.lanspread.core.feature", "org.lanspread.ui.feature",
            "org.lanspread.p2.feature");

    /** A plug-in feature: its installed version and the one the site offers (each null when none). */
    record Row(String id, String installed, String offered) {
        String status() {
            return installed == null ? "available" : offered != null && !offered.equals(installed)
                    ? "installed; the site has " + offered : "installed";
        }
    }

    private final String initialSite;
    private final Map<String, Row> rows = new TreeMap<>();
    private Table table;

    PluginsDialog(Shell parent, ProductScript script, String initialSite, Runnable restart) {
        super(parent, "Plug-ins", script, restart);
        this.initialSite = initialSite == null ? "" : initialSite;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        area.setLayout(GridLayoutFactory.swtDefaults().numColumns(2).create());
        siteRow(area, 1, "a folder or a URL offering plug-ins", initialSite);
        table = new Table(area, SWT.BORDER | SWT.SINGLE | SWT.FULL_SELECTION);
        table.setHeaderVisible(true);
        for (String title : List.of("Plug-in feature", "Installed", "Status")) {
            TableColumn column = new TableColumn(table, SWT.NONE);
            column.setText(title);
            column.setWidth(title.equals("Status") ? 220 : 200);
        }
        table.addListener(SWT.Selection, e -> buttons(true));
        GridDataFactory.fillDefaults().span(2, 1).grab(true, true).hint(640, 140).applyTo(table);
        verdictAndOutput(area, 2, 120, "Plug-ins install into");
        if (script != null) {
            verdict.setText("The plug-ins installed here; Show lists what the site offers.");
            run(List.of("plugins"), this::installedListed);
        }
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, SHOW, "S&how site", true).setEnabled(script != null);
        createButton(parent, INSTALL, "&Install", false).setEnabled(false);
        createButton(parent, UNINSTALL, "&Uninstall", false).setEnabled(false);
        createButton(parent, IDialogConstants.CLOSE_ID, IDialogConstants.CLOSE_LABEL, false);
    }

    @Override
    protected void buttonPressed(int id) {
        Row selected = selected();
        if (id == IDialogConstants.CLOSE_ID) {
            close();
        } else if (id == SHOW && !site.getText().isBlank()) {
            run(List.of("plugins", site.getText().strip()), this::siteListed);
        } else if (id == INSTALL && selected != null) {
            run(List.of("install-plugin", site.getText().strip(), selected.id()), r -> changed(r, "installed",
                    selected));
        } else if (id == UNINSTALL && selected != null) {
            run(List.of("uninstall-plugin", selected.id()), r -> changed(r, "uninstalled", selected));
        }
    }

    private void installedListed(ProductScript.Result result) {
        rows.replaceAll((k, row) -> new Row(row.id(), null, row.offered()));
        features(result).forEach((id, version) -> rows.merge(id, new Row(id, version, null),
                (old, now) -> new Row(id, version, old.offered())));
        rows.values().removeIf(row -> row.installed() == null && row.offered() == null);
        show(result.exit() == 0 ? rows.values().stream().anyMatch(r -> r.installed() != null)
                ? "The plug-ins installed here." : "No plug-in is installed here." : "Cannot list the installed "
                        + "plug-ins: " + String.join(" ", result.said()));
    }

    private void siteListed(ProductScript.Result result) {
        if (result.exit() != 0) {
            show("Cannot read the site: " + String.join(" ", result.said()));
            return;
        }
        rows.replaceAll((k, row) -> new Row(row.id(), row.installed(), null));
        features(result).forEach((id, version) -> rows.merge(id, new Row(id, null, version),
                (old, now) -> new Row(id, old.installed(), version)));
        rows.values().removeIf(row -> row.installed() == null && row.offered() == null);
        show(rows.values().stream().anyMatch(r -> r.offered() != null) ? "The site's plug-ins: select one to install."
                : "The site offers no plug-ins.");
    }

    private void changed(ProductScript.Result result, String what, Row row) {
        if (result.exit() != 0) {
            show(row.id() + " was not " + what + "; the installation is as it was. " + String.join(" ",
                    result.said()));
            return;
        }
        run(List.of("plugins"), this::installedListed);
        if (MessageDialog.openQuestion(getShell(), "Plug-ins", row.id() + " was " + what
                + ". It takes effect at the next start: restart now?")) {
            close();
            restart.run();
        }
    }

    /** The features a listing names, product features left out: id to version. */
    static Map<String, String> features(ProductScript.Result result) {
        Map<String, String> features = new TreeMap<>();
        for (String line : result.lines()) {
            Matcher m = FEATURE.matcher(line.strip());
            if (m.matches() && !PRODUCT.contains(m.group(1))) {
                features.put(m.group(1), m.group(2));
            }
        }
        return features;
    }

    /** Lists the rows again; the row that was selected stays selected (its new status shown, its buttons on). */
    private void show(String text) {
        Row before = selected();
        table.removeAll();
        for (Row row : rows.values()) {
            TableItem item = new TableItem(table, SWT.NONE);
            item.setText(new String[] { row.id(), row.installed() == null ? "" : row.installed(), row.status() });
            item.setData(row);
            if (before != null && before.id().equals(row.id())) {
                table.setSelection(item);
            }
        }
        verdict.setText(text);
        buttons(true);
        verdict.getParent().layout(true, true);
    }

    private Row selected() {
        TableItem[] items = table.getSelection();
        return items.length == 1 ? (Row) items[0].getData() : null;
    }

    private void run(List<String> args, Consumer<ProductScript.Result> done) {
        buttons(false);
        ScriptJob.start(script, args, output, done);
    }

    private void buttons(boolean enabled) {
        if (getButton(SHOW) == null) {
            return; // the button bar is made after the dialog area
        }
        Row row = selected();
        getButton(SHOW).setEnabled(enabled && script != null);
        getButton(INSTALL).setEnabled(enabled && row != null && row.offered() != null
                && !row.offered().equals(row.installed()));
        getButton(UNINSTALL).setEnabled(enabled && row != null && row.installed() != null);
        getButton(IDialogConstants.CLOSE_ID).setEnabled(true);
    }

    Button button(int id) {
        return getButton(id);
    }

    Table table() {
        return table;
    }

}
