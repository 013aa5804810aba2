package org.lanspread.ui.internal.update;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The installed product's start script ({@code lanspread} in the installation folder), which carries the p2
 * director commands: the window runs it to check for and apply updates, and to start again after one.
 */
final class ProductScript {

    /** The script's exit code of {@code update-product SITE --check} when an update is available. */
    static final int UPDATE_AVAILABLE = 10;
    /** The script's exit code of {@code update-product SITE} when it was cancelled while downloading. */
    static final int CANCELLED = 130;

    private final Path script;

    private ProductScript(Path script) {
        this.script = script;
    }

    /** The script of the installation this window runs from; empty when it runs from elsewhere (tests, an IDE). */
    static Optional<ProductScript> find() {
        String configured = System.getProperty("lanspread.product.script");
        if (configured != null) {
            return Optional.of(new ProductScript(Path.of(configured)));
        }
        String area = System.getProperty("osgi.install.area");
        if (area == null) {
            return Optional.empty();
        }
        Path folder;
        try {
            folder = Path.of(new URI(area.replace(" ", "%20")));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Optional.empty();
        }
        Path script = folder.resolve("lanspread");
        return Files.isExecutable(script) ? Optional.of(new ProductScript(script)) : Optional.empty();
    }

    Path path() {
        return script;
    }

    /** How a run ended: the exit code and every line it printed (standard output and error, interleaved). */
    record Result(int exit, List<String> lines) {
        /** The lines the script itself says ("lanspread: ..."), without the prefix. */
        List<String> said() {
            return lines.stream().filter(l -> l.startsWith("lanspread: ") && !l.contains(" -application "))
                    .map(l -> l.substring("lanspread: ".length())).toList();
        }
    }

    /** Starts the script with {@code args}; its standard error is merged into its output. */
    Process start(List<String> args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(script.toString());
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /** Reads a started script to its end, telling {@code line} each line as it comes. */
    static Result read(Process process, Consumer<String> line) throws IOException, InterruptedException {
        List<String> lines = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String l; (l = out.readLine()) != null;) {
                lines.add(l);
                line.accept(l);
            }
        }
        return new Result(process.waitFor(), List.copyOf(lines));
    }

    /**
     * Starts the product again once this process has exited (the script waits for it: this process holds the state
     * directory's lock until then).
     */
    void restartAfterThisProcess() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(script.toString()).inheritIO();
        builder.environment().put("LANSPREAD_RESTART_AFTER", Long.toString(ProcessHandle.current().pid()));
        builder.start();
    }
}
