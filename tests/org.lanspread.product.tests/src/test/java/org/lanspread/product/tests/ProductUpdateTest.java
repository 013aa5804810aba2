package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.product.tests.ProductRuns.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.lanspread.product.tests.ProductRuns.Run;

/**
 * The installed product updates itself from an update site ({@code lanspread update-product SITE}, the p2 director on
 * the installation's own profile): nothing to do from the built site; from a newer one the test makes from it (every
 * LanSpread version raised, served over HTTP on loopback with its downloads held) an update cancelled while it
 * downloads, by Ctrl-C and by the window's Cancel, leaves the installation as it was; then through the window's Help ›
 * Check for Updates… it is applied, and the restarted window runs the new bundles; an update from a broken site fails
 * naming the problem, and the installation still starts as it was. Prints every command it runs.
 */
class ProductUpdateTest {

    private static final Path BUILD = Path.of(System.getProperty("lanspread.build.dir", "target"));
    private static final Pattern HEADLESS = Pattern.compile("(?m)^  org\\.lanspread\\.headless (\\S+)$");
    private static final Pattern PRODUCT = Pattern.compile("(?m)^LanSpread (\\S+)$");

    private static String group(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        assertTrue(m.find(), pattern + " in:\n" + text);
        return m.group(1);
    }

    @Test
    void theProductUpdatesFromANewerSiteAndABrokenSiteLeavesItAsItWas() throws Exception {
        Path home = BUILD.resolve("product-update");
        Path site = Path.of(System.getProperty("lanspread.updatesite")).toAbsolutePath();
        Path script = ProductRuns.unpack(home);
        Path newer = home.resolve("site-v2");
        NewerSite.make(site, newer, "v2");

        // The versions installed, from the installation's files (--version, a JVM start, says the same).
        String bundles = Files.readString(home.resolve(
                "product/lanspread/configuration/org.eclipse.equinox.simpleconfigurator/bundles.info"));
        String headless = group(Pattern.compile("(?m)^org\\.lanspread\\.headless,([^,]+),"), bundles);
        String ui = group(Pattern.compile("(?m)^org\\.lanspread\\.ui,([^,]+),"), bundles);
        String product;
        try (Stream<Path> features = Files.list(home.resolve("product/lanspread/features"))) {
            product = features.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("org.lanspread.core."
                    + "feature_")).findFirst().orElseThrow().substring("org.lanspread.core.feature_".length());
        }

        Run same = run(home, script.toString(), "update-product", site.toString());
        assertEquals(0, same.exit(), same.errors());
        assertTrue(same.errors().contains("lanspread: already up to date"), same.errors());

        Path bundlesInfo = home.resolve(
                "product/lanspread/configuration/org.eclipse.equinox.simpleconfigurator/bundles.info");
        try (HeldSite held = new HeldSite(newer)) {
            cancelFromTheCommandLine(home, script, held);
            assertEquals(bundles, Files.readString(bundlesInfo), "a cancelled update changes no bundle");
            // --version below says the update then applied is what runs
            updateFromTheWindow(home, script, held, bundlesInfo, bundles, ui + "v2");
        }

        // A site whose metadata promises a newer version but lacks an artifact of it: p2 rolls the change back.
        Path broken = home.resolve("site-v3-broken");
        NewerSite.make(newer, broken, "v3");
        try (Stream<Path> jars = Files.list(broken.resolve("plugins"))) {
            Files.delete(jars.filter(p -> p.getFileName().toString().startsWith("org.lanspread.peer_")).findFirst()
                    .orElseThrow());
        }
        Run failed = run(home, script.toString(), "update-product", broken.toString());
        System.out.println("[e2e] broken site: exit " + failed.exit() + "\n" + failed.output() + failed.errors());
        assertNotEquals(0, failed.exit(), "the update from a broken site fails");
        assertTrue(failed.errors().matches("(?s).*lanspread: the update failed and was rolled back: the installation is "
                + "as it was \\(An error occurred copying file [^\n]*/org\\.lanspread\\.peer_[^\n]*\\.jar\\.\\).*"),
                "the message names what is missing: " + failed.errors());
        // Started as a window restarts after an update: the script waits for the old process to exit first.
        Process old = new ProcessBuilder("sleep", "3").start();
        long started = System.nanoTime();
        Run still = run(home, "env", "LANSPREAD_RESTART_AFTER=" + old.pid(), script.toString(), "--version");
        long waited = (System.nanoTime() - started) / 1_000_000;
        assertEquals(0, still.exit(), still.output() + still.errors());
        assertTrue(!old.isAlive() && waited >= 2500, "started once the old process had gone: " + waited + " ms");
        assertEquals(product + "v2", group(PRODUCT, still.output()), "still the version before the failed update");
        assertEquals(headless + "v2", group(HEADLESS, still.output()), "the installation still starts, as it was");

        Run missing = run(home, script.toString(), "update-product", home.resolve("no-site").toString());
        assertEquals(2, missing.exit(), "a missing folder is a usage error");
        assertTrue(missing.errors().contains("lanspread: no update site at "), missing.errors());
    }

    /**
     * {@code lanspread update-product URL} interrupted by Ctrl-C while an artifact's download is held (SIGINT to its
     * process group, as a terminal sends it): it stops at once, says so, exits 130, and leaves no director running.
     */
    private static void cancelFromTheCommandLine(Path home, Path script, HeldSite site) throws Exception {
        String command = script + " update-product " + site.url();
        System.out.println("[e2e] $ " + command + "   (Ctrl-C once a download is held)");
        ProcessBuilder builder = new ProcessBuilder("setsid", script.toString(), "update-product", site.url());
        builder.environment().put("LANSPREAD_DATA", home.resolve("data").toString());
        Path errors = home.resolve("cancelled-update.log");
        builder.redirectErrorStream(true).redirectOutput(errors.toFile());
        Process update = builder.start();
        try {
            int before = site.held();
            assertTrue(site.awaitHeld(before, 90), "the update downloads from the site:\n" + Files.readString(errors));
            long interrupted = System.nanoTime();
            assertEquals(0, new ProcessBuilder("kill", "-INT", "--", "-" + update.pid()).inheritIO().start()
                    .waitFor(), "the script leads its own process group");
            assertTrue(update.waitFor(20, TimeUnit.SECONDS), "Ctrl-C stops the update:\n" + Files.readString(errors));
            long ms = (System.nanoTime() - interrupted) / 1_000_000;
            String said = Files.readString(errors);
            System.out.println("[e2e]     stopped " + ms + " ms after Ctrl-C, exit " + update.exitValue() + "; "
                    + said.lines().filter(l -> l.startsWith("lanspread: the update")).findFirst().orElse(""));
            assertEquals(130, update.exitValue(), said);
            assertTrue(said.contains("lanspread: the update was cancelled while downloading: the installation is as it"
                    + " was"), said);
            assertTrue(!said.contains("lanspread: applying the update"), said);
            assertTrue(ProductWindow.awaitNoDirector(home, 10), "no p2 director is left running");
        } finally {
            update.destroyForcibly();
        }
    }

    /**
     * Help › Check for Updates… in the product's window, driven by keyboard under Xvfb: the newer site's URL typed,
     * Check, Update, and once a download is held Cancel Update, which stops it with no bundle changed; then the
     * downloads are let through, Update again, Yes to the restart; the old window's process has exited and a new one
     * runs the raised UI bundle. Screenshots in target/screenshots (looked at by people).
     */
    private static void updateFromTheWindow(Path home, Path script, HeldSite held, Path bundlesInfo, String bundles,
            String newUi) throws Exception {
        String site = held.url();
        Xdo x = new Xdo();
        Path shots = BUILD.resolve("screenshots");
        Process window = ProductWindow.start(home, script);
        ProcessHandle restarted = null;
        try {
            String main = ProductWindow.awaitUp(x, home);
            x.focus(main);
            x.keys("alt+h", "u");
            try {
                x.await("Check for Updates", 20);
            } finally {
                x.screenshot(shots.resolve("update-dialog.png"));
            }
            x.type(site);
            x.keys("Return"); // Check, the default button
            Path remembered = home.resolve("data/update-site.txt");
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!Files.exists(remembered) && System.nanoTime() < deadline) {
                Thread.sleep(200); // written when the check has ended
            }
            assertEquals(site, Files.readString(remembered).strip(), "the site is remembered");
            Thread.sleep(500);
            x.screenshot(shots.resolve("update-checked.png"));
            int before = held.held();
            x.keys("alt+u"); // Update
            assertTrue(held.awaitHeld(before, 90), "the update downloads from the site");
            Thread.sleep(700); // the dialog has read the script's "downloading" line: Cancel Update is enabled
            x.screenshot(shots.resolve("update-downloading.png"));
            x.keys("alt+n"); // Cancel Update
            assertTrue(ProductWindow.awaitNoDirector(home, 20), "Cancel Update stops the download; log:\n"
                    + Files.readString(home.resolve("window.log")));
            Thread.sleep(700);
            x.screenshot(shots.resolve("update-cancelled.png"));
            assertEquals(bundles, Files.readString(bundlesInfo), "a cancelled update changes no bundle");
            held.release();
            x.keys("alt+u"); // Update again: offered after a cancel
            x.await("LanSpread was updated", 120);
            x.screenshot(shots.resolve("update-restart-question.png"));
            x.keys("Return"); // Yes: restart now
            assertTrue(window.waitFor(60, TimeUnit.SECONDS), "the window that updated exits; log:\n"
                    + Files.readString(home.resolve("window.log")));
            String data = home.resolve("data").toString();
            deadline = System.nanoTime() + 90_000_000_000L;
            while (restarted == null && System.nanoTime() < deadline) {
                restarted = ProcessHandle.allProcesses().filter(p -> p.pid() != window.pid() && p.info().commandLine()
                        .map(c -> c.contains(" -data " + data) && c.contains("java")).orElse(false))
                        .filter(p -> opens(p, "org.lanspread.ui_" + newUi + ".jar")).findFirst().orElse(null);
                Thread.sleep(500);
            }
            assertTrue(restarted != null, "a new window runs org.lanspread.ui " + newUi + "; log:\n"
                    + Files.readString(home.resolve("window.log")));
            x.await("^LanSpread", 90);
            Thread.sleep(1000);
            x.screenshot(shots.resolve("update-restarted.png"));
        } finally {
            window.destroyForcibly();
            if (restarted != null) {
                restarted.destroy();
                restarted.onExit().get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** Whether the process has the file open (its name ends with {@code name}). */
    private static boolean opens(ProcessHandle process, String name) {
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(process.pid()), "fd"))) {
            return fds.anyMatch(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().endsWith("/" + name);
                } catch (java.io.IOException e) {
                    return false;
                }
            });
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }
}
