package org.lanspread.product.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Drives the product's window on the test's X display (Xvfb, no window manager) the way a user's keyboard does,
 * with xdotool; takes screenshots with ImageMagick's import.
 */
final class Xdo {

    private final String display = System.getenv("DISPLAY");

    /** The id of a viewable window whose title matches {@code regex}, or null when there is none now. */
    String window(String regex) throws IOException, InterruptedException {
        String ids = quiet("xdotool", "search", "--name", regex);
        List<String> found = ids.lines().filter(l -> l.matches("\\d+")).toList();
        for (String id : found) {
            if (quiet("xwininfo", "-id", id).contains("Map State: IsViewable")) {
                return id;
            }
        }
        // A dialog (searched without "^") can carry its title on a window xwininfo does not call viewable itself.
        return found.size() == 1 && !regex.startsWith("^") ? found.get(0) : null;
    }

    /** Waits up to {@code seconds} for such a window. */
    String await(String regex, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            String id = window(regex);
            if (id != null) {
                return id;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no window titled " + regex + " within " + seconds + " s");
    }

    void focus(String window) throws IOException, InterruptedException {
        quiet("xdotool", "windowfocus", "--sync", window);
    }

    void keys(String... keys) throws IOException, InterruptedException {
        for (String key : keys) {
            quiet("xdotool", "key", key);
            Thread.sleep(300); // a menu opens, a dialog takes focus
        }
    }

    void type(String text) throws IOException, InterruptedException {
        quiet("xdotool", "type", "--delay", "5", text);
    }

    void screenshot(Path png) throws IOException, InterruptedException {
        java.nio.file.Files.createDirectories(png.getParent());
        quiet("import", "-window", "root", png.toString());
    }

    private String quiet(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("env", "DISPLAY=" + display));
        full.addAll(List.of(command));
        Process process = new ProcessBuilder(full).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }
}
