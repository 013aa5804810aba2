package org.lanspread.ui.internal.update;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.workbench.IWorkbench;
import org.eclipse.swt.widgets.Shell;

/** Help › Plug-ins…: the plug-ins dialog on this installation's script, starting from the last update site used. */
public class PluginsHandler {

    @Execute
    public void execute(Shell shell, IWorkbench workbench) {
        ProductScript script = ProductScript.find().orElse(null);
        Path remembered = CheckForUpdatesHandler.rememberedSite();
        String site = "";
        try {
            site = remembered != null && Files.isRegularFile(remembered) ? Files.readString(remembered).strip() : "";
        } catch (IOException e) {
            site = "";
        }
        new PluginsDialog(shell, script, site, CheckForUpdatesHandler.restarter(shell, workbench, script)).open();
    }
}
