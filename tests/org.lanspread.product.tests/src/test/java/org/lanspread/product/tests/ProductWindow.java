package org.lanspread.product.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The installed product's window started by its script for a test on the X display: games and data under
 * {@code home}, no mDNS, loopback only, no class-data archive written at the exit. Used with {@link Xdo}.
 */
final class ProductWindow {

    private ProductWindow() {
    }

    /** Starts the window; its output goes to {@code home/window.log}. */
    static Process start(Path home, Path script) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(script.toString()).redirectErrorStream(true)
                .redirectOutput(home.resolve("window.log").toFile());
        builder.environment().put("LANSPREAD_DATA", home.resolve("data").toString());
        builder.environment().put("LANSPREAD_GAMES_DIR", home.resolve("games").toString());
        builder.environment().put("LANSPREAD_VMARGS", "-Dlanspread.transport.bind=127.0.0.1:0"
                + " -Dlanspread.discovery=false");
        builder.environment().put("LANSPREAD_CDS", "0"); // no class-data archive written at the exit
        Files.createDirectories(home.resolve("games"));
        return builder.start();
    }

    /** Waits for the main window and its runtime (the window is populated then); returns the window's id. */
    static String awaitUp(Xdo x, Path home) throws IOException, InterruptedException {
        String main = x.await("^LanSpread", 90);
        Path log = home.resolve("window.log");
        long up = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(log).contains("running on") && System.nanoTime() < up) {
            Thread.sleep(200);
        }
        Thread.sleep(1500);
        return main;
    }

    /** Whether, within {@code seconds}, no p2 director runs on this installation's data any more. */
    static boolean awaitNoDirector(Path home, int seconds) throws InterruptedException {
        String data = " -data " + home.resolve("data");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().map(c -> c.contains(data)
                && c.contains("org.eclipse.equinox.p2.director")).orElse(false))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
