package org.lanspread.ui.internal.about;

import java.util.List;
import java.util.function.Function;

import org.eclipse.jface.dialogs.Dialog;
import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.TabFolder;
import org.eclipse.swt.widgets.TabItem;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;

/** The About dialog: version and build, the Java runtime, installed features, libraries and their licences. */
final class AboutDialog extends Dialog {

    private final AboutInfo info;
    private Table features;
    private Table libraries;

    AboutDialog(Shell parent, AboutInfo info) {
        super(parent);
        this.info = info;
        setShellStyle(getShellStyle() | SWT.RESIZE);
    }

    @Override
    protected void configureShell(Shell shell) {
        super.configureShell(shell);
        shell.setText("About LanSpread");
    }

    @Override
    protected Point getInitialSize() {
        return new Point(760, 560);
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        Label title = new Label(area, SWT.NONE);
        title.setText("LanSpread " + info.version());
        title.setFont(org.eclipse.jface.resource.JFaceResources.getHeaderFont());
        label(area, "Peer-to-peer game distribution for LAN parties.");
        label(area, "Java: " + info.java());
        TabFolder tabs = new TabFolder(area, SWT.TOP);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(tabs);
        features = table(tabs, "Features (" + info.features().size() + ")", List.of("Feature", "Version", "Id",
                "Provider"), info.features(), f -> new String[] { f.label(), f.version(), f.id(), f.provider() });
        if (info.features().isEmpty()) { // e.g. run from a development or test framework
            new TableItem(features, SWT.NONE).setText(0, "Not an installed product: there is no features folder.");
            features.getColumn(0).pack();
        }
        libraries = table(tabs, "Libraries (" + info.libraries().size() + ")", List.of("Library", "Version",
                "Licence", "Bundle"), info.libraries(), l -> new String[] { l.name(), l.version(),
                        l.licence() == null ? "not stated in its manifest" : l.licence(), l.symbolicName() });
        return area;
    }

    private static void label(Composite parent, String text) {
        new Label(parent, SWT.NONE).setText(text);
    }

    private static <T> Table table(TabFolder tabs, String name, List<String> columns, List<T> rows,
            Function<T, String[]> cells) {
        TabItem tab = new TabItem(tabs, SWT.NONE);
        tab.setText(name);
        Table table = new Table(tabs, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.H_SCROLL);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (String column : columns) {
            new TableColumn(table, SWT.NONE).setText(column);
        }
        for (T row : rows) {
            new TableItem(table, SWT.NONE).setText(cells.apply(row));
        }
        for (TableColumn column : table.getColumns()) {
            column.pack();
            column.setWidth(Math.min(column.getWidth(), 300)); // a long name does not push the licence out of view
        }
        tab.setControl(table);
        return table;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.CLOSE_ID, IDialogConstants.CLOSE_LABEL, true);
    }

    @Override
    protected void buttonPressed(int buttonId) {
        close();
    }

    /** Shows the tab of the given index (0: features, 1: libraries). */
    void showTab(int index) {
        ((TabFolder) libraries.getParent()).setSelection(index);
    }

    Table featuresTable() {
        return features;
    }

    Table librariesTable() {
        return libraries;
    }
}
