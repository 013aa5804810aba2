package org.lanspread.product.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command of an unpacked product (its script) with its state under {@code home}, on loopback without
 * discovery; prints the command and the script's own lines ("lanspread: ..."), as the plug-in and update tests do.
 */
final class ProductRuns {

    private ProductRuns() {
    }

    /** How a command ended: its exit code, standard output and standard error. */
    record Run(int exit, String output, String errors) {
        List<String> lines() {
            return output.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /** Unpacks the built product into {@code home/product} (made anew); returns its start script. */
    static Path unpack(Path home) throws IOException, InterruptedException {
        run(home.getParent(), "rm", "-rf", home.toString());
        Files.createDirectories(home.resolve("product"));
        Path archive = Path.of(System.getProperty("lanspread.product.archive"));
        Run unpacked = run(home, "tar", "-xzf", archive.toString(), "-C", home.resolve("product").toString());
        if (unpacked.exit() != 0) {
            throw new AssertionError("cannot unpack " + archive + ": " + unpacked.errors());
        }
        return home.resolve("product/lanspread/lanspread");
    }

    static Run run(Path home, String... command) throws IOException, InterruptedException {
        System.out.println("[e2e] $ " + String.join(" ", command));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("LANSPREAD_DATA", home.resolve("data").toString());
        builder.environment().put("LANSPREAD_GAMES_DIR", home.resolve("games").toString());
        builder.environment().put("LANSPREAD_VMARGS", "-Dlanspread.transport.bind=127.0.0.1:0"
                + " -Dlanspread.discovery=false");
        Files.createDirectories(home);
        Path errors = home.resolve("stderr-" + System.nanoTime() + ".log");
        builder.redirectError(errors.toFile());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not finish within 180 s");
        }
        String err = Files.readString(errors, StandardCharsets.UTF_8);
        err.lines().filter(l -> l.startsWith("lanspread: ")).forEach(l -> System.out.println("[e2e]     " + l));
        return new Run(process.exitValue(), out, err);
    }
}
