package org.lanspread.ui.internal.update;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.ui.internal.Screenshots;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * Help › Check for Updates: in the menu, its handler loads, and run from outside an installed product (as here) the
 * dialog says updates need one and offers nothing to press. The update itself, through the same script commands, is
 * ProductUpdateTest's (an installed product, a newer and a broken site).
 */
class CheckForUpdatesTest {

    @Test
    void theHelpMenuHasCheckForUpdatesAndItsHandlerLoads() throws Exception {
        Bundle ui = FrameworkUtil.getBundle(CheckForUpdatesHandler.class);
        String model = new String(ui.getEntry("Application.e4xmi").openStream().readAllBytes());
        assertTrue(model.contains("label=\"Check for &amp;Updates…\" command=\"_lanspread_cmd_updates\""), model);
        assertTrue(model.contains("contributionURI=\"bundleclass://org.lanspread.ui/"
                + CheckForUpdatesHandler.class.getName() + "\" command=\"_lanspread_cmd_updates\""), model);
        assertEquals(CheckForUpdatesHandler.class, ui.loadClass(CheckForUpdatesHandler.class.getName()));
    }

    @Test
    void outsideAnInstalledProductTheDialogSaysSo(@TempDir Path data) throws Exception {
        assertTrue(ProductScript.find().isEmpty(), "the test runtime is not an installed product");
        Display display = Display.getDefault();
        Shell shell = new Shell(display);
        try {
            UpdateDialog dialog = new UpdateDialog(shell, null, data.resolve("update-site.txt"), () -> { });
            dialog.setBlockOnOpen(false);
            dialog.open();
            assertTrue(dialog.verdictLabel().getText().startsWith("Updates apply to an installed LanSpread product"),
                    dialog.verdictLabel().getText());
            assertFalse(dialog.siteText().isEnabled());
            assertFalse(dialog.button(UpdateDialog.CHECK).isEnabled());
            assertFalse(dialog.button(UpdateDialog.UPDATE).isEnabled());
            long paintUntil = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < paintUntil) {
                if (!display.readAndDispatch()) {
                    Thread.sleep(10);
                }
            }
            Screenshots.save(display, dialog.getShell().getBounds(), "check-for-updates-not-installed");
            dialog.close();
        } finally {
            shell.dispose();
        }
    }
}
