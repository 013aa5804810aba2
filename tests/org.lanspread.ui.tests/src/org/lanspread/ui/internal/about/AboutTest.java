package org.lanspread.ui.internal.about;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/** Help › About: in the menu, with the product's version, the Java runtime, features, libraries and licences. */
class AboutTest {

    @Test
    void theHelpMenuHasAboutAndItsHandlerLoads() throws Exception {
        Bundle ui = FrameworkUtil.getBundle(AboutHandler.class);
        String model = new String(ui.getEntry("Application.e4xmi").openStream().readAllBytes());
        assertTrue(model.contains("label=\"&amp;Help\"") && model.contains(
                "label=\"&amp;About LanSpread\" command=\"_lanspread_cmd_about\""), model);
        assertTrue(model.contains("contributionURI=\"bundleclass://org.lanspread.ui/" + AboutHandler.class.getName()
                + "\" command=\"_lanspread_cmd_about\""), model);
        assertEquals(AboutHandler.class, ui.loadClass(AboutHandler.class.getName()));
    }

    @Test
    void theInstalledFeaturesAreReadFromTheInstallation(@TempDir Path install) throws Exception {
        Path core = Files.createDirectories(install.resolve("features/org.lanspread.core.feature_0.1.0.202612060309"));
        Files.writeString(core.resolve("feature.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <feature id="org.lanspread.core.feature" label="LanSpread Core Runtime"
                      version="0.1.0.202612060309"
                      provider-name="LanSpread">
                   <plugin id="org.lanspread.api" version="0.0.0"/>
                </feature>
                """);
        Path plugin = Files.createDirectories(install.resolve("features/org.lanspread.example.wine_1.0.0"));
        Files.writeString(plugin.resolve("feature.xml"),
                "<feature id=\"org.lanspread.example.wine\" version=\"1.0.0\">\n</feature>\n");
        Files.createDirectories(install.resolve("features/broken")); // no feature.xml: left out
        assertEquals(List.of(
                new AboutInfo.Feature("org.lanspread.core.feature", "LanSpread Core Runtime", "0.1.0.202612060309",
                        "LanSpread"),
                new AboutInfo.Feature("org.lanspread.example.wine", "org.lanspread.example.wine", "1.0.0", "")),
                AboutInfo.features(install));
        assertEquals(List.of(), AboutInfo.features(install.resolve("nowhere")));
        // An update that failed and was rolled back leaves its newer folder: not what runs, not listed.
        Path left = Files.createDirectories(install.resolve("features/org.lanspread.core.feature_0.1.0.202612060309v2"));
        Files.writeString(left.resolve("feature.xml"), "<feature id=\"org.lanspread.core.feature\" "
                + "version=\"0.1.0.202612060309v2\">\n   <plugin id=\"org.lanspread.api\" version=\"0.1.0.1v2\"/>\n</feature>\n");
        assertEquals(List.of("0.1.0.202612060309", "1.0.0"), AboutInfo.features(install, java.util.Map.of(
                "org.lanspread.api", "0.1.0.1")).stream().map(AboutInfo.Feature::version).toList());
        assertEquals(3, AboutInfo.features(install).size(), "without the running bundles, every folder");
        assertEquals("https://www.apache.org/licenses/LICENSE-2.0", AboutInfo.licence(
                "https://www.apache.org/licenses/LICENSE-2.0;description=Apache License, https://x.org/MIT"));
    }

    @Test
    void theDialogListsTheLibrariesWithTheirLicences() throws Exception {
        AboutInfo info = AboutInfo.read(FrameworkUtil.getBundle(AboutTest.class).getBundleContext());
        assertTrue(info.java().contains(System.getProperty("java.runtime.version")), info.java());
        assertFalse(info.libraries().stream().anyMatch(l -> l.symbolicName().startsWith("org.lanspread.")),
                "our own bundles are not third-party libraries");
        AboutInfo.Library netty = info.libraries().stream().filter(l -> l.symbolicName().equals("io.netty.common"))
                .findFirst().orElseThrow();
        assertEquals("https://www.apache.org/licenses/LICENSE-2.0", netty.licence());
        assertFalse(info.libraries().stream().anyMatch(l -> l.name().startsWith("%")), "names are localized");
        AboutInfo.Library swt = info.libraries().stream().filter(l -> l.symbolicName().equals("org.eclipse.swt"))
                .findFirst().orElseThrow();
        assertEquals("EPL-2.0 (its about.html)", swt.licence(), "an Eclipse bundle's licence is in its about.html");

        Display display = Display.getDefault();
        Shell shell = new Shell(display);
        try {
            AboutDialog dialog = new AboutDialog(shell, info);
            dialog.setBlockOnOpen(false);
            dialog.open();
            assertEquals(info.libraries().size(), dialog.librariesTable().getItemCount());
            dialog.showTab(1);
            long paintUntil = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < paintUntil) {
                if (!display.readAndDispatch()) {
                    Thread.sleep(10);
                }
            }
            org.lanspread.ui.internal.Screenshots.save(display, dialog.getShell().getBounds(), "about");
            dialog.close();
        } finally {
            shell.dispose();
        }
    }
}
