package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;

/**
 * Starts the product from its archive, as a user would after unpacking it, and checks that the main window
 * appears. Leaves a screenshot in target/screenshots/.
 */
class ProductSmokeTest {

    private static final Duration WINDOW_TIMEOUT = Duration.ofSeconds(90);

    private final Path buildDir = Path.of(System.getProperty("lanspread.build.dir", "target"));

    @Test
    void productStartsFromItsArchiveAndShowsTheMainWindow() throws Exception {
        assertNotNull(System.getenv("DISPLAY"), "needs an X display: run under xvfb-run (scripts/test does)");
        Path archive = Path.of(System.getProperty("lanspread.product.archive"));
        assertTrue(Files.isRegularFile(archive), "product archive missing: " + archive);

        Path install = install("product-under-test");
        Path script = install.resolve("lanspread/lanspread");
        assertTrue(Files.isExecutable(script), "start script missing or not executable: " + script);

        Path games = buildDir.resolve("product-under-test-games");
        Files.writeString(games.resolve("quake3/quake3.rar"), "archive");
        Files.createDirectories(games.resolve("unreal-tournament/local"));

        Path log = buildDir.resolve("product.log");
        Process product = start(install, "product-under-test", System.getenv("DISPLAY"), log, "", "-consoleLog");
        try {
            String window = awaitWindow(product, log);
            // The title counts the games the Games part shows: the window is populated from the runtime.
            awaitTitle(window, System.getenv("DISPLAY"), "LanSpread — 2 games", log);

            Path screenshot = buildDir.resolve("screenshots/product-main-window.png");
            Files.createDirectories(screenshot.getParent());
            Thread.sleep(1500); // let the first paint finish
            run(List.of("import", "-window", "root", screenshot.toString()));
            byte[] header = Arrays.copyOf(Files.readAllBytes(screenshot), 8);
            assertArrayEquals(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' }, header);

            assertStatusBarInside(window, log);

            assertTrue(product.isAlive(), "product exited after showing its window; log:\n" + Files.readString(log));
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(text.contains("Unable to create class"), "a part failed to render; log:\n" + text);
            assertFalse(text.contains("!ENTRY org.eclipse.e4.ui.workbench 4"), "workbench error; log:\n" + text);
        } finally {
            stop(product);
        }
    }

    /**
     * The JVM draws the splash (the start script's {@code -splash:}) before any Java code runs; the window closes it
     * once it is up. Recorded by polling the X server's top-level windows: when the splash's 480x280 window and the
     * main window appear, and when the splash goes.
     */
    @Test
    void theSplashShowsWithinASecondBeforeTheWindowAndClosesWhenTheWindowIsUp() throws Exception {
        String display = System.getenv("DISPLAY");
        assertNotNull(display, "needs an X display: run under xvfb-run (scripts/test does)");
        Path install = install("product-splash");
        Path log = buildDir.resolve("product-splash.log");
        long started = System.nanoTime();
        Process product = start(install, "product-splash", display, log, "");
        long splashSeen = -1;
        long splashGone = -1;
        long windowSeen = -1;
        try {
            long deadline = started + WINDOW_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline && (windowSeen < 0 || splashGone < 0)) {
                assertTrue(product.isAlive(), "the product ended; log:\n" + Files.readString(log));
                String tree = output(List.of("env", "DISPLAY=" + display, "xwininfo", "-root", "-children"));
                long now = (System.nanoTime() - started) / 1_000_000;
                boolean splash = tree.lines().anyMatch(l -> l.contains(" 480x280+"));
                if (splash && splashSeen < 0) {
                    splashSeen = now;
                    run(List.of("env", "DISPLAY=" + display, "import", "-window", "root",
                            buildDir.resolve("product-splash.png").toString())); // looked at by people
                } else if (!splash && splashSeen >= 0 && splashGone < 0) {
                    splashGone = now;
                }
                if (windowSeen < 0 && tree.lines().anyMatch(l -> l.contains("\"LanSpread"))) {
                    String id = tree.lines().filter(l -> l.contains("\"LanSpread")).findFirst().orElseThrow().strip()
                            .split("\\s+")[0];
                    String info = output(List.of("env", "DISPLAY=" + display, "xwininfo", "-id", id));
                    if (info.contains("Map State: IsViewable") && width(info) >= 400) {
                        windowSeen = now;
                    }
                }
                Thread.sleep(50);
            }
            System.out.printf("[splash] start to splash %d ms, start to window %d ms, splash closed at %d ms%n",
                    splashSeen, windowSeen, splashGone);
            assertTrue(splashSeen >= 0, "no splash window; log:\n" + Files.readString(log));
            assertTrue(windowSeen >= 0, "no main window; log:\n" + Files.readString(log));
            assertTrue(splashSeen < windowSeen, "the splash first");
            assertTrue(splashSeen < 1500, "the splash within ~1 s (the script and the JVM's start): " + splashSeen);
            assertTrue(splashGone >= 0 && splashGone >= windowSeen - 500 && splashGone < windowSeen + 5000,
                    "closed when the window is up: " + splashGone);
        } finally {
            stop(product);
        }
    }

    /**
     * The start script's class-data archive holds the framework's classes: the JVM leaves out every class of a
     * signed jar, so the product ships the launcher and framework jars unsigned (releng: UnsignFramework.java).
     */
    @Test
    void laterStartsMapTheFrameworkClassesFromTheClassDataArchive() throws Exception {
        assertNotNull(System.getenv("DISPLAY"), "needs an X display: run under xvfb-run (scripts/test does)");
        Path install = install("product-cds");
        Path plugins = install.resolve("lanspread/plugins");
        for (String glob : List.of("org.eclipse.osgi_*.jar", "org.eclipse.equinox.launcher_*.jar")) {
            try (var jars = Files.newDirectoryStream(plugins, glob)) {
                for (Path jar : jars) {
                    try (ZipFile zip = new ZipFile(jar.toFile())) {
                        assertFalse(zip.stream().anyMatch(e -> e.getName().matches("META-INF/[^/]+\\.(SF|RSA|EC|DSA)")),
                                jar + " is signed");
                    }
                }
            }
        }
        Path first = buildDir.resolve("product-cds-1.log");
        startShowAndStop(install, first, "");
        try (var archives = Files.list(buildDir.resolve("product-cds-data/cds"))) {
            assertTrue(archives.anyMatch(f -> f.getFileName().toString().endsWith(".jsa")),
                    "no class-data archive written at the first exit; log:\n" + Files.readString(first));
        }
        Path classes = buildDir.resolve("product-cds-classes.log");
        startShowAndStop(install, buildDir.resolve("product-cds-2.log"), " -Xlog:class+load=info:file=" + classes);
        String loaded = Files.readString(classes);
        for (String name : List.of("org.eclipse.equinox.launcher.Main", "org.eclipse.osgi.launch.Equinox",
                "org.eclipse.osgi.internal.framework.EquinoxContainer")) {
            String line = loaded.lines().filter(l -> l.contains("] " + name + " source:")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " not loaded"));
            assertTrue(line.contains("source: shared objects file"), "not from the class-data archive: " + line);
        }
    }

    /** The X server comes up only after the window application's first try to open the display: a later try opens it. */
    @Test
    void theWindowOpensWhenTheDisplayAnswersOnlyAfterTheFirstTry() throws Exception {
        String display = freeDisplay();
        Path log = buildDir.resolve("product-late-display.log");
        Process product = startOn(display, "product-late-display", log);
        Process xvfb = null;
        try {
            long deadline = System.nanoTime() + WINDOW_TIMEOUT.toNanos();
            while (!Files.readString(log).contains("opening the display failed")) {
                assertTrue(product.isAlive(), "the product ended; log:\n" + Files.readString(log));
                assertTrue(System.nanoTime() < deadline, "no failed try to open " + display + "; log:\n" + Files.readString(log));
                Thread.sleep(20);
            }
            xvfb = new ProcessBuilder("Xvfb", display, "-screen", "0", "1280x800x24", "-nolisten", "tcp")
                    .redirectErrorStream(true).redirectOutput(buildDir.resolve("xvfb-late.log").toFile()).start();
            String window = awaitWindow(product, log, display);
            awaitTitle(window, display, "LanSpread — 1 game", log);
        } finally {
            stop(product);
            if (xvfb != null) {
                xvfb.destroy();
                xvfb.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void withoutADisplayTheProductSaysWhichOneItCouldNotOpenAndEnds() throws Exception {
        String display = freeDisplay();
        Path log = buildDir.resolve("product-no-display.log");
        Process product = startOn(display, "product-no-display", log);
        if (!product.waitFor(90, TimeUnit.SECONDS)) {
            product.destroyForcibly().waitFor();
            fail("the product still runs 90 s after its start without a display; log:\n" + Files.readString(log));
        }
        String text = Files.readString(log);
        assertEquals(1, product.exitValue(), text);
        assertTrue(text.contains("LanSpread: cannot open the display '" + display + "'"), text);
        assertFalse(text.contains("An error has occurred"), text);
    }

    @Test
    void aSecondWindowOnTheSameDataDirectorySaysWhoHoldsItInADialogAndEndsWithFour() throws Exception {
        String display = System.getenv("DISPLAY");
        Path install = install("product-locked");
        Path firstLog = buildDir.resolve("product-locked-first.log");
        Path secondLog = buildDir.resolve("product-locked-second.log");
        Process first = start(install, "product-locked", display, firstLog, "");
        try {
            String window = awaitWindow(first, firstLog);
            awaitTitle(window, display, "LanSpread — 1 game", firstLog);
            Process second = start(install, "product-locked", display, secondLog, "");
            try {
                String dialog = awaitNamed(second, display, "^LanSpread is already running", secondLog);
                Path screenshot = buildDir.resolve("screenshots/product-already-running.png");
                Files.createDirectories(screenshot.getParent());
                run(List.of("import", "-window", "root", screenshot.toString()));
                String said = Files.readString(secondLog);
                assertTrue(said.contains("is in use by another LanSpread (process " + first.pid())
                        && said.contains(buildDir.resolve("product-locked-data").toString()), said);
                // Xvfb has no window manager: the pointer gives the dialog the keyboard; Return presses its OK.
                run(List.of("env", "DISPLAY=" + display, "xdotool", "mousemove", "--window", dialog, "20", "20"));
                run(List.of("env", "DISPLAY=" + display, "xdotool", "key", "Return"));
                assertTrue(second.waitFor(30, TimeUnit.SECONDS), "the second ends once its dialog is closed");
                assertEquals(4, second.exitValue(), said);
            } finally {
                stop(second);
            }
            assertTrue(first.isAlive(), "the first LanSpread runs on");
            awaitTitle(window, display, "LanSpread — 1 game", firstLog);
        } finally {
            stop(first);
        }
    }

    /** The id of a viewable window whose name matches {@code regex}, within 60 s. */
    private static String awaitNamed(Process product, String display, String regex, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!product.isAlive()) {
                fail("ended with " + product.exitValue() + " before a window '" + regex + "' appeared; log:\n"
                        + Files.readString(log));
            }
            Process search = new ProcessBuilder("env", "DISPLAY=" + display, "xdotool", "search", "--name", regex)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String ids = new String(search.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            search.waitFor();
            for (String id : ids.lines().filter(l -> l.matches("\\d+")).toList()) {
                String info = output(List.of("env", "DISPLAY=" + display, "xwininfo", "-id", id));
                if (info.contains("Map State: IsViewable")) {
                    return id;
                }
            }
            Thread.sleep(300);
        }
        fail("no window '" + regex + "' within 60 s; log:\n" + Files.readString(log));
        return null;
    }

    /** A display number that no X server here uses (no socket, no lock file). */
    private static String freeDisplay() {
        for (int n = 90; n < 200; n++) {
            if (!Files.exists(Path.of("/tmp/.X11-unix/X" + n)) && !Files.exists(Path.of("/tmp/.X" + n + "-lock"))) {
                return ":" + n;
            }
        }
        throw new IllegalStateException("no free X display number in :90-:199");
    }

    private Process startOn(String display, String name, Path log) throws Exception {
        return start(install(name), name, display, log, "");
    }

    /** Unpacks the product archive to target/NAME, and a game directory with one game to target/NAME-games. */
    private Path install(String name) throws Exception {
        Path install = buildDir.resolve(name);
        run(List.of("rm", "-rf", install.toString(), buildDir.resolve(name + "-data").toString()));
        Files.createDirectories(install);
        run(List.of("tar", "-xzf", System.getProperty("lanspread.product.archive"), "-C", install.toString()));
        Path games = buildDir.resolve(name + "-games");
        Files.createDirectories(games.resolve("quake3"));
        Files.writeString(games.resolve("quake3/version.ini"), "20240315\n");
        return install;
    }

    /** Starts the window of an {@link #install installed} product, with state in target/NAME-data. */
    private Process start(Path install, String name, String display, Path log, String vmargs, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(install.resolve("lanspread/lanspread").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("DISPLAY", display);
        builder.environment().put("LANSPREAD_GAMES_DIR", buildDir.resolve(name + "-games").toString());
        builder.environment().put("LANSPREAD_DATA", buildDir.resolve(name + "-data").toString());
        // The peer runtime listens on loopback only and does not use mDNS: tests send nothing onto the host's LAN.
        builder.environment().put("LANSPREAD_VMARGS",
                "-Dlanspread.transport.bind=127.0.0.1:0 -Dlanspread.discovery=false" + vmargs);
        return builder.start();
    }

    /** Ends the product (SIGTERM), and kills it if it still runs 30 s later. */
    private static void stop(Process product) throws InterruptedException {
        product.destroy();
        if (!product.waitFor(30, TimeUnit.SECONDS)) {
            product.destroyForcibly().waitFor();
        }
    }

    private void startShowAndStop(Path install, Path log, String vmargs) throws Exception {
        Process product = start(install, "product-cds", System.getenv("DISPLAY"), log, vmargs);
        try {
            String window = awaitWindow(product, log);
            awaitTitle(window, System.getenv("DISPLAY"), "LanSpread — 1 game", log);
        } finally {
            product.destroy(); // SIGTERM: a normal JVM exit, at which the first start writes the archive
            if (!product.waitFor(60, TimeUnit.SECONDS)) {
                product.destroyForcibly().waitFor();
                fail("the product did not exit within 60 s of SIGTERM; log:\n" + Files.readString(log));
            }
        }
    }

    private String awaitWindow(Process product, Path log) throws Exception {
        return awaitWindow(product, log, System.getenv("DISPLAY"));
    }

    private String awaitWindow(Process product, Path log, String display) throws Exception {
        long deadline = System.nanoTime() + WINDOW_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!product.isAlive()) {
                fail("product exited with " + product.exitValue() + " before its window appeared; log:\n"
                        + Files.readString(log));
            }
            // Xvfb runs no window manager, so xdotool's --onlyvisible is unreliable: ask xwininfo instead.
            Process search = new ProcessBuilder("env", "DISPLAY=" + display, "xdotool", "search", "--name", "^LanSpread")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start(); // "Can't open display" while it is not up
            String ids = new String(search.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            search.waitFor();
            for (String id : ids.lines().filter(l -> l.matches("\\d+")).toList()) {
                String info = new String(new ProcessBuilder("env", "DISPLAY=" + display, "xwininfo", "-id", id)
                        .redirectErrorStream(true).start().getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (info.contains("Map State: IsViewable") && width(info) >= 400) {
                    return id;
                }
            }
            Thread.sleep(500);
        }
        fail("no window titled LanSpread within " + WINDOW_TIMEOUT.toSeconds() + " s; log:\n" + Files.readString(log));
        return null;
    }

    /** Waits up to 30 s for the window's title (it counts the games the Games part shows: populated from the runtime). */
    private static void awaitTitle(String window, String display, String expected, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        List<String> getName = List.of("env", "DISPLAY=" + display, "xdotool", "getwindowname", window);
        String title = output(getName).strip();
        while (!title.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            title = output(getName).strip();
        }
        assertEquals(expected, title, "log:\n" + Files.readString(log));
    }

    /**
     * The status bar (the window's bottom trim: "↓ 0 B/s   ↑ 0 B/s", "No operations") is drawn inside the window: its
     * text puts dark pixels into the window's bottom strip, where otherwise only the empty Peers table and part
     * borders are (the workbench's first layout placed the trim below the client area, cut off: StatusBar).
     */
    private void assertStatusBarInside(String window, Path log) throws Exception {
        Path shot = buildDir.resolve("screenshots/product-window.png");
        run(List.of("import", "-window", window, shot.toString()));
        BufferedImage image = ImageIO.read(shot.toFile());
        int dark = 0;
        for (int y = Math.max(0, image.getHeight() - 26); y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth() * 2 / 5; x++) {
                int rgb = image.getRGB(x, y);
                int luminance = (299 * (rgb >> 16 & 0xff) + 587 * (rgb >> 8 & 0xff) + 114 * (rgb & 0xff)) / 1000;
                if (luminance < 110) {
                    dark++;
                }
            }
        }
        assertTrue(dark >= 30, "no status bar text in the window's bottom 26 pixel rows (" + dark
                + " dark pixels; see " + shot + "); log:\n" + Files.readString(log));
    }

    private static int width(String xwininfo) {
        return xwininfo.lines().map(String::strip).filter(l -> l.startsWith("Width:"))
                .mapToInt(l -> Integer.parseInt(l.substring("Width:".length()).strip())).findFirst().orElse(0);
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        output(command);
    }

    private static String output(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }
}
