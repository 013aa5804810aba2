package org.lanspread.ui.internal.update;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.ui.workbench.IWorkbench;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.widgets.Shell;

/** Help › Check for Updates…: the update dialog on this installation's script; a restart closes this window. */
public class CheckForUpdatesHandler {

    @Execute
    public void execute(Shell shell, IWorkbench workbench) {
        ProductScript script = ProductScript.find().orElse(null);
        new UpdateDialog(shell, script, rememberedSite(), restarter(shell, workbench, script)).open();
    }

    /** Starts the product again (its script waits for this process to exit) and closes this window. */
    static Runnable restarter(Shell shell, IWorkbench workbench, ProductScript script) {
        return () -> {
            try {
                script.restartAfterThisProcess();
                workbench.close();
            } catch (IOException e) {
                MessageDialog.openError(shell, "Restart", "LanSpread could not start again (" + e.getMessage()
                        + "); quit and start it yourself to run the new version.");
            }
        };
    }

    /** Where the last update site is kept: in the state directory (-data), else nowhere. */
    static Path rememberedSite() {
        String area = System.getProperty("osgi.instance.area");
        try {
            return area == null ? null : Path.of(new URI(area.replace(" ", "%20"))).resolve("update-site.txt");
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }
}
