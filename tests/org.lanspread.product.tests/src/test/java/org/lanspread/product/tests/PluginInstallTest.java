package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.product.tests.ProductRuns.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        run(home.getParent(), "rm", "-rf", home.toString());
        Files.createDirectories(home.resolve("product"));
        Path archive = Path.of(System.getProperty("lanspread.product.archive"));
        Path site = Path.of(System.getProperty("lanspread.updatesite")).toAbsolutePath();
        assertTrue(Files.isRegularFile(site.resolve("content.jar")) || Files.isRegularFile(site.resolve(
                "content.xml.xz")) || Files.isRegularFile(site.resolve("content.xml")), "an update site at " + site);
        assertEquals(0, run(home, "tar", "-xzf", archive.toString(), "-C", home.resolve("product").toString())
                .exit());
        Path script = home.resolve("product/lanspread/lanspread");

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
}
