package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;

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

        Path install = buildDir.resolve("product-under-test");
        run(List.of("rm", "-rf", install.toString()));
        Files.createDirectories(install);
        run(List.of("tar", "-xzf", archive.toString(), "-C", install.toString()));
        Path script = install.resolve("lanspread/lanspread");
        assertTrue(Files.isExecutable(script), "start script missing or not executable: " + script);

        Path games = buildDir.resolve("sample-games");
        Files.createDirectories(games.resolve("quake3"));
        Files.writeString(games.resolve("quake3/version.ini"), "20240315\n");
        Files.writeString(games.resolve("quake3/quake3.rar"), "archive");
        Files.createDirectories(games.resolve("unreal-tournament/local"));

        Path log = buildDir.resolve("product.log");
        ProcessBuilder builder = new ProcessBuilder(script.toString(), "-consoleLog")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("LANSPREAD_GAMES_DIR", games.toString());
        builder.environment().put("LANSPREAD_DATA", buildDir.resolve("product-data").toString());
        // The peer runtime listens on loopback only and does not use mDNS: tests send nothing onto the host's LAN.
        builder.environment().put("LANSPREAD_VMARGS", "-Dlanspread.transport.bind=127.0.0.1:0 -Dlanspread.discovery=false");
        Process product = builder.start();
        try {
            String window = awaitWindow(product, log);
            // The title counts the games the Games part shows: the window is populated from the runtime.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String title = output(List.of("xdotool", "getwindowname", window)).strip();
            while (!title.equals("LanSpread — 2 games") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                title = output(List.of("xdotool", "getwindowname", window)).strip();
            }
            assertEquals("LanSpread — 2 games", title);

            Path screenshot = buildDir.resolve("screenshots/product-main-window.png");
            Files.createDirectories(screenshot.getParent());
            Thread.sleep(1500); // let the first paint finish
            run(List.of("import", "-window", "root", screenshot.toString()));
            byte[] header = Arrays.copyOf(Files.readAllBytes(screenshot), 8);
            assertArrayEquals(new byte[] { (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' }, header);

            assertTrue(product.isAlive(), "product exited after showing its window; log:\n" + Files.readString(log));
            String text = Files.readString(log, StandardCharsets.UTF_8);
            assertFalse(text.contains("Unable to create class"), "a part failed to render; log:\n" + text);
            assertFalse(text.contains("!ENTRY org.eclipse.e4.ui.workbench 4"), "workbench error; log:\n" + text);
        } finally {
            product.destroy();
            if (!product.waitFor(15, TimeUnit.SECONDS)) {
                product.destroyForcibly().waitFor();
            }
        }
    }

    /**
     * The start script's class-data archive holds the framework's classes: the JVM leaves out every class of a
     * signed jar, so the product ships the launcher and framework jars unsigned (releng: UnsignFramework.java).
     */
    @Test
    void laterStartsMapTheFrameworkClassesFromTheClassDataArchive() throws Exception {
        assertNotNull(System.getenv("DISPLAY"), "needs an X display: run under xvfb-run (scripts/test does)");
        Path install = buildDir.resolve("product-cds");
        run(List.of("rm", "-rf", install.toString(), buildDir.resolve("product-cds-data").toString()));
        Files.createDirectories(install);
        run(List.of("tar", "-xzf", System.getProperty("lanspread.product.archive"), "-C", install.toString()));
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
        Path games = buildDir.resolve("product-cds-games");
        Files.createDirectories(games.resolve("quake3"));
        Files.writeString(games.resolve("quake3/version.ini"), "20240315\n");

        Path first = buildDir.resolve("product-cds-1.log");
        startShowAndStop(install, games, first, "");
        try (var archives = Files.list(buildDir.resolve("product-cds-data/cds"))) {
            assertTrue(archives.anyMatch(f -> f.getFileName().toString().endsWith(".jsa")),
                    "no class-data archive written at the first exit; log:\n" + Files.readString(first));
        }
        Path classes = buildDir.resolve("product-cds-classes.log");
        startShowAndStop(install, games, buildDir.resolve("product-cds-2.log"),
                " -Xlog:class+load=info:file=" + classes);
        String loaded = Files.readString(classes);
        for (String name : List.of("org.eclipse.equinox.launcher.Main", "org.eclipse.osgi.launch.Equinox",
                "org.eclipse.osgi.internal.framework.EquinoxContainer")) {
            String line = loaded.lines().filter(l -> l.contains("] " + name + " source:")).findFirst()
                    .orElseThrow(() -> new AssertionError(name + " not loaded"));
            assertTrue(line.contains("source: shared objects file"), "not from the class-data archive: " + line);
        }
    }

    private void startShowAndStop(Path install, Path games, Path log, String vmargs) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(install.resolve("lanspread/lanspread").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("LANSPREAD_GAMES_DIR", games.toString());
        builder.environment().put("LANSPREAD_DATA", buildDir.resolve("product-cds-data").toString());
        builder.environment().put("LANSPREAD_VMARGS",
                "-Dlanspread.transport.bind=127.0.0.1:0 -Dlanspread.discovery=false" + vmargs);
        Process product = builder.start();
        try {
            String window = awaitWindow(product, log);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            String title = output(List.of("xdotool", "getwindowname", window)).strip();
            while (!title.equals("LanSpread — 1 game") && System.nanoTime() < deadline) {
                Thread.sleep(100);
                title = output(List.of("xdotool", "getwindowname", window)).strip();
            }
            assertEquals("LanSpread — 1 game", title);
        } finally {
            product.destroy(); // SIGTERM: a normal JVM exit, at which the first start writes the archive
            if (!product.waitFor(60, TimeUnit.SECONDS)) {
                product.destroyForcibly().waitFor();
                fail("the product did not exit within 60 s of SIGTERM; log:\n" + Files.readString(log));
            }
        }
    }

    private String awaitWindow(Process product, Path log) throws Exception {
        long deadline = System.nanoTime() + WINDOW_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!product.isAlive()) {
                fail("product exited with " + product.exitValue() + " before its window appeared; log:\n"
                        + Files.readString(log));
            }
            // Xvfb runs no window manager, so xdotool's --onlyvisible is unreliable: ask xwininfo instead.
            Process search = new ProcessBuilder("xdotool", "search", "--name", "^LanSpread").redirectErrorStream(true)
                    .start();
            String ids = new String(search.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            search.waitFor();
            for (String id : ids.lines().toList()) {
                String info = new String(new ProcessBuilder("xwininfo", "-id", id).redirectErrorStream(true).start()
                        .getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (info.contains("Map State: IsViewable") && width(info) >= 400) {
                    return id;
                }
            }
            Thread.sleep(500);
        }
        fail("no window titled LanSpread within " + WINDOW_TIMEOUT.toSeconds() + " s; log:\n" + Files.readString(log));
        return null;
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
