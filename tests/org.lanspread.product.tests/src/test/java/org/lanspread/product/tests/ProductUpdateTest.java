package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.product.tests.ProductRuns.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.lanspread.product.tests.ProductRuns.Run;

/**
 * The installed product updates itself from an update site ({@code lanspread update-product SITE}, the p2 director on
 * the installation's own profile): from the built site to a newer one the test makes from it (every LanSpread version
 * raised), then the restarted product runs the new bundles; an update from a broken site fails naming the problem,
 * and the installation still starts as it was. Prints every command it runs.
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
        run(home.getParent(), "rm", "-rf", home.toString());
        Files.createDirectories(home.resolve("product"));
        Path archive = Path.of(System.getProperty("lanspread.product.archive"));
        Path site = Path.of(System.getProperty("lanspread.updatesite")).toAbsolutePath();
        assertEquals(0, run(home, "tar", "-xzf", archive.toString(), "-C", home.resolve("product").toString()).exit());
        Path script = home.resolve("product/lanspread/lanspread");
        Path newer = home.resolve("site-v2");
        NewerSite.make(site, newer, "v2");

        Run before = run(home, script.toString(), "--version");
        assertEquals(0, before.exit(), before.output() + before.errors());
        System.out.print("[e2e] " + before.output().replace("\n", "\n[e2e] "));
        String product = group(PRODUCT, before.output());
        String headless = group(HEADLESS, before.output());

        Run same = run(home, script.toString(), "update-product", site.toString());
        assertEquals(0, same.exit(), same.errors());
        assertTrue(same.errors().contains("lanspread: already up to date"), same.errors());

        Run update = run(home, script.toString(), "update-product", newer.toString());
        assertEquals(0, update.exit(), update.output() + update.errors());
        assertTrue(update.errors().contains("lanspread: updating to: org.lanspread.core.feature.feature.group/"
                + product + "v2"), update.errors());
        assertTrue(update.output().contains("Operation completed"), update.output());
        assertTrue(update.errors().contains("lanspread: updated to org.lanspread.core.feature.feature.group/" + product
                + "v2"), update.errors());

        Run after = run(home, script.toString(), "--version");
        assertEquals(0, after.exit(), after.output() + after.errors());
        System.out.print("[e2e] " + after.output().replace("\n", "\n[e2e] "));
        assertEquals(product + "v2", group(PRODUCT, after.output()), "the new core feature is installed");
        assertEquals(headless + "v2", group(HEADLESS, after.output()), "and its bundles are what runs");
        Run games = run(home, script.toString(), "headless", "games", "--wait", "0");
        assertEquals(0, games.exit(), "the updated product works: " + games.output() + games.errors());

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
}
