package org.lanspread.example.wine.internal;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.lanspread.api.launch.GameLauncher;
import org.lanspread.api.launch.LaunchException;
import org.lanspread.api.launch.LaunchTarget;
import org.lanspread.api.launch.Launched;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * An example plug-in: starts Windows games ({@code .exe}, {@code .bat}, {@code .msi}) through wine when wine is
 * installed. Registered with ranking 100, above the default launcher (0), and supports only those games, so every
 * other game still goes to the default launcher.
 */
@Component(property = Constants.SERVICE_RANKING + ":Integer=100")
public class WineLauncher implements GameLauncher {

    /** The wine command to use (a path); default: {@code wine} on the PATH. */
    public static final String COMMAND = "lanspread.wine";
    static final String ID = "wine";
    private static final Set<String> WINDOWS = Set.of("exe", "bat", "msi");

    private BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    @Override
    public String id() {
        return ID;
    }

    @Override
    public boolean supports(LaunchTarget target) {
        return WINDOWS.contains(target.extension()) && wine() != null;
    }

    /** The wine executable, or null when there is none. */
    Path wine() {
        String configured = context == null ? null : context.getProperty(COMMAND);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured.strip());
            return Files.isExecutable(path) ? path : null;
        }
        String pathVariable = System.getenv("PATH");
        for (String dir : pathVariable == null ? new String[0] : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "wine");
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    @Override
    public Launched launch(LaunchTarget target) throws LaunchException {
        Path wine = wine();
        Path exe = target.executable().orElseThrow(() -> new LaunchException(target.name()
                + " has no launch command"));
        if (wine == null) {
            throw new LaunchException("wine is not installed (set " + COMMAND + " or put wine on the PATH)");
        }
        if (!Files.isRegularFile(exe)) {
            throw new LaunchException(target.command().get(0) + " is not in " + target.installDirectory());
        }
        List<String> command = new ArrayList<>(List.of(wine.toString(), exe.toString()));
        command.addAll(target.arguments());
        ProcessBuilder builder = new ProcessBuilder(command).directory(exe.getParent().toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
        builder.environment().putIfAbsent("WINEDEBUG", "-all");
        try {
            Process process = builder.start();
            return new Launched(ID, "started " + target.command().get(0) + " with wine (process " + process.pid()
                    + ")");
        } catch (IOException e) {
            throw new LaunchException("cannot start " + wine + ": " + e.getMessage(), e);
        }
    }
}
