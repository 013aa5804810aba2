package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * {@code lanspread install-desktop-entry} puts the installed product in the desktop's application menu: a
 * freedesktop entry that {@code desktop-file-validate} accepts, starting this installation's script, and its icon;
 * {@code remove-desktop-entry} takes both away.
 */
class DesktopEntryTest {

    private static final Path BUILD = Path.of(System.getProperty("lanspread.build.dir", "target"));

    private record Run(int exit, String output) {
    }

    private static Run run(Path dataHome, String... command) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_DATA_HOME", dataHome.toString());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 60 s");
        }
        return new Run(process.exitValue(), out);
    }

    @Test
    void theEntryValidatesStartsThisInstallationAndIsRemovedAgain() throws Exception {
        Path home = BUILD.resolve("desktop-entry").toAbsolutePath();
        run(BUILD, "rm", "-rf", home.toString());
        Path product = Files.createDirectories(home.resolve("installed product")); // a space in the path
        Path archive = Path.of(System.getProperty("lanspread.product.archive"));
        assertEquals(0, run(home, "tar", "-xzf", archive.toString(), "-C", product.toString()).exit());
        Path script = product.resolve("lanspread/lanspread");
        Path share = home.resolve("share");

        Run installed = run(share, script.toString(), "install-desktop-entry");
        assertEquals(0, installed.exit(), installed.output());
        Path entry = share.resolve("applications/lanspread.desktop");
        Path icon = share.resolve("icons/hicolor/scalable/apps/lanspread.svg");
        Run valid = run(share, "desktop-file-validate", entry.toString());
        assertEquals(0, valid.exit(), valid.output());
        assertEquals("", valid.output().strip(), "no errors, warnings or hints");
        String text = Files.readString(entry);
        System.out.println("[desktop] " + entry + ":\n" + text);
        assertTrue(text.contains("\nExec=\"" + script + "\"\n") && text.contains("\nIcon=lanspread\n"), text);
        assertTrue(Files.isExecutable(script));
        assertTrue(Files.readString(icon).contains("<svg"), "the icon is the product's SVG");

        Run removed = run(share, script.toString(), "remove-desktop-entry");
        assertEquals(0, removed.exit(), removed.output());
        assertFalse(Files.exists(entry) || Files.exists(icon), "both gone");
        assertEquals(2, run(share, script.toString(), "install-desktop-entry", "extra").exit(), "usage error");
    }
}
