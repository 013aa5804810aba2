package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.product.tests.ProductRuns.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.lanspread.product.tests.ProductRuns.Run;

/**
 * A plug-in from the freshly built update site installed into the installed product with the p2 director (through
 * the start script's {@code install-plugin} wrapper), seen active by the headless peer, then uninstalled and seen
 * gone. Prints every command it runs.
 */
class PluginInstallTest {

    private static final Path BUILD = Path.of(System.getProperty("lanspread.build.dir", "target"));
    private static final String FEATURE = "org.lanspread.example.wine.feature";

    private static List<String> launchers(Path script, Path home) throws Exception {
        Run run = run(home, script.toString(), "headless", "launchers");
        assertEquals(0, run.exit(), run.output());
        return run.lines();
    }

    @Test
    void aPluginFromTheUpdateSiteInstallsIntoTheProductAndUninstalls() throws Exception {
        Path home = BUILD.resolve("plugin-install");
        Path site = Path.of(System.getProperty("lanspread.updatesite")).toAbsolutePath();
        assertTrue(Files.isRegularFile(site.resolve("content.jar")) || Files.isRegularFile(site.resolve(
                "content.xml.xz")) || Files.isRegularFile(site.resolve("content.xml")), "an update site at " + site);
        Path script = ProductRuns.unpack(home);

        assertEquals(List.of("desktop"), launchers(script, home), "the product alone has the default launcher");
        Run offered = run(home, script.toString(), "plugins", site.toString()); // what Help › Plug-ins… lists
        assertEquals(0, offered.exit(), offered.output());
        assertEquals(1, offered.lines().size(), "the site's plug-ins, LanSpread's own features left out: "
                + offered.output());
        assertTrue(offered.lines().get(0).startsWith(FEATURE + ".feature.group="), offered.output());

        Run install = run(home, script.toString(), "install-plugin", site.toString(), FEATURE);
        assertEquals(0, install.exit(), install.output());
        assertTrue(install.output().contains("Operation completed"), install.output());
        Run plugins = run(home, script.toString(), "plugins");
        assertTrue(plugins.output().contains(FEATURE + ".feature.group/"), plugins.output());
        assertFalse(install.output().contains("running on") || plugins.output().contains("running on"),
                "the p2 director's framework runs no LanSpread peer:\n" + install.output() + plugins.output());
        assertEquals(List.of("wine", "desktop"), launchers(script, home),
                "the plug-in's launcher is active, ranked above the default");

        Run uninstall = run(home, script.toString(), "uninstall-plugin", FEATURE);
        assertEquals(0, uninstall.exit(), uninstall.output());
        assertFalse(run(home, script.toString(), "plugins").output().contains(FEATURE), "no longer installed");
        assertEquals(List.of("desktop"), launchers(script, home), "the plug-in's launcher is gone");

        Run bad = run(home, script.toString(), "install-plugin", home.resolve("no-site").toString(), FEATURE);
        assertEquals(2, bad.exit(), "a missing site is a usage error");
        List<String> none = new ArrayList<>(launchers(script, home));
        assertEquals(List.of("desktop"), none);
    }

    /**
     * Help › Plug-ins… in the product's window, driven by keyboard under Xvfb: the site typed, Show site, the plug-in
     * selected, Install, No to the restart; the plug-in's bundle is in the installation's configuration and the row
     * stays selected; Uninstall, No; the bundle is gone. Screenshots in target/screenshots (looked at by people).
     */
    @Test
    void aPluginInstallsAndUninstallsFromTheWindow() throws Exception {
        Path home = BUILD.resolve("plugin-window");
        Path site = Path.of(System.getProperty("lanspread.updatesite")).toAbsolutePath();
        Path script = ProductRuns.unpack(home);
        Path bundlesInfo = home.resolve(
                "product/lanspread/configuration/org.eclipse.equinox.simpleconfigurator/bundles.info");
        String bundle = "org.lanspread.example.wine,";
        assertFalse(Files.readString(bundlesInfo).contains(bundle));
        Path shots = BUILD.resolve("screenshots");
        Xdo x = new Xdo();
        Process window = ProductWindow.start(home, script);
        try {
            x.focus(ProductWindow.awaitUp(x, home));
            x.keys("alt+h", "p");
            String dialog;
            try {
                dialog = x.await("Plug-ins", 20);
            } finally {
                x.screenshot(shots.resolve("plugins-dialog.png"));
            }
            assertTrue(listed(home), "the installed plug-ins are listed");
            x.type(site.toString());
            x.keys("Return"); // Show site, the default button
            assertTrue(listed(home), "the site's plug-ins are listed");
            x.keys("Tab", "Down"); // the table, its first row: the site's one plug-in
            x.screenshot(shots.resolve("plugins-site.png"));
            x.keys("alt+i"); // Install
            assertTrue(await(bundlesInfo, bundle, true), "the plug-in's bundle is installed; log:\n"
                    + Files.readString(home.resolve("window.log")));
            Thread.sleep(2000); // the restart question
            x.screenshot(shots.resolve("plugins-installed-restart-question.png"));
            x.keys("alt+n"); // No: later
            assertTrue(listed(home), "the installed plug-ins are listed again");
            Thread.sleep(500);
            x.screenshot(shots.resolve("plugins-installed.png"));
            x.focus(dialog); // no window manager gives it back after the question
            x.keys("alt+u"); // Uninstall: the row is still selected
            assertTrue(await(bundlesInfo, bundle, false), "the plug-in's bundle is uninstalled; log:\n"
                    + Files.readString(home.resolve("window.log")));
            Thread.sleep(2000);
            x.screenshot(shots.resolve("plugins-uninstalled-restart-question.png"));
            x.keys("alt+n");
            assertTrue(listed(home), "the installed plug-ins are listed again");
            assertFalse(run(home, script.toString(), "plugins").output().contains(FEATURE), "no longer installed");
        } finally {
            window.destroyForcibly();
            window.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Waits for the dialog's director run to start and end. */
    private static boolean listed(Path home) throws InterruptedException {
        Thread.sleep(1500);
        return ProductWindow.awaitNoDirector(home, 90);
    }

    /** Waits until the file does (or does not) contain {@code text}. */
    private static boolean await(Path file, String text, boolean present) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (Files.readString(file).contains(text) != present && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        return Files.readString(file).contains(text) == present;
    }
}
