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

    @Test
    void thePluginsDialogListsTheSitesPluginsNotLanSpreadItselfAndOutsideAnInstallSaysSo() throws Exception {
        Bundle ui = FrameworkUtil.getBundle(PluginsHandler.class);
        String model = new String(ui.getEntry("Application.e4xmi").openStream().readAllBytes());
        assertTrue(model.contains("label=\"&amp;Plug-ins…\" command=\"_lanspread_cmd_plugins\""), model);
        assertEquals(PluginsHandler.class, ui.loadClass(PluginsHandler.class.getName()));
        // The lines the product script prints (PluginInstallTest runs it on the built site and installation).
        assertEquals(java.util.Map.of("org.lanspread.example.wine.feature", "0.1.0.202611251209"),
                PluginsDialog.features(new ProductScript.Result(0, java.util.List.of(
                        "org.lanspread.example.wine.feature.feature.group=0.1.0.202611251209",
                        "org.lanspread.core.feature.feature.group/0.1.0.202612060536",
                        "org.lanspread.product/0.1.0.202612060536", "Operation completed in 1513 ms."))));
        Display display = Display.getDefault();
        Shell shell = new Shell(display);
        try {
            PluginsDialog dialog = new PluginsDialog(shell, null, "", () -> { });
            dialog.setBlockOnOpen(false);
            dialog.open();
            assertTrue(dialog.verdictLabel().getText().startsWith("Plug-ins install into an installed LanSpread"),
                    dialog.verdictLabel().getText());
            assertFalse(dialog.button(PluginsDialog.SHOW).isEnabled());
            assertFalse(dialog.button(PluginsDialog.INSTALL).isEnabled());
            assertEquals(0, dialog.table().getItemCount());
            long paintUntil = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < paintUntil) {
                if (!display.readAndDispatch()) {
                    Thread.sleep(10);
                }
            }
            Screenshots.save(display, dialog.getShell().getBounds(), "plugins-not-installed");
            dialog.close();
        } finally {
            shell.dispose();
        }
    }
}
