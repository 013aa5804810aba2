package org.lanspread.launcher.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.lanspread.api.launch.GameLauncher;
import org.lanspread.api.launch.LaunchCommands;
import org.lanspread.api.launch.LaunchException;
import org.lanspread.api.launch.LaunchTarget;
import org.lanspread.api.launch.Launched;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * The default launcher (ranking 0, supports every game): runs the game's executable inside {@code local/} when this
 * system can run it, else opens the install folder with the desktop's handler ({@value #OPENER}, default
 * {@code xdg-open} / {@code open} / {@code explorer}).
 */
@Component(property = Constants.SERVICE_RANKING + ":Integer=0")
public class DesktopLauncher implements GameLauncher {

    /** The command that opens a folder on this desktop (words as in a launch command). */
    public static final String OPENER = "lanspread.launcher.open";
    static final String ID = "desktop";
    private static final Set<String> WINDOWS_ONLY = Set.of("exe", "bat", "cmd", "com", "msi");

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
        return true;
    }

    @Override
    public Launched launch(LaunchTarget target) throws LaunchException {
        Path exe = target.executable().orElse(null);
        if (exe == null) {
            return open(target, "no launch command is known for " + target.name());
        }
        if (!Files.isRegularFile(exe)) {
            throw new LaunchException("the launch command of " + target.name() + " names " + target.command().get(0)
                    + ", which is not in " + target.installDirectory());
        }
        if (!windows() && WINDOWS_ONLY.contains(target.extension())) {
            return open(target, target.command().get(0) + " is a Windows program and no launcher for it is installed");
        }
        if (!Files.isExecutable(exe)) {
            throw new LaunchException(exe + " is not executable (chmod +x it, or fix the launch command of "
                    + target.name() + ")");
        }
        List<String> command = new ArrayList<>();
        command.add(exe.toString());
        command.addAll(target.arguments());
        try {
            Process process = new ProcessBuilder(command).directory(exe.getParent().toFile())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            return new Launched(ID, "started " + target.command().get(0) + " (process " + process.pid() + ")");
        } catch (IOException e) {
            throw new LaunchException("cannot start " + exe + ": " + e.getMessage(), e);
        }
    }

    /** Opens the install folder with the desktop's handler; {@code why} says why the game itself was not started. */
    private Launched open(LaunchTarget target, String why) throws LaunchException {
        List<String> opener = new ArrayList<>(opener());
        opener.add(target.installDirectory().toString());
        try {
            Process process = new ProcessBuilder(opener).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectErrorStream(true).start();
            if (process.waitFor(5, TimeUnit.SECONDS) && process.exitValue() != 0) {
                throw new LaunchException(why + "; opening " + target.installDirectory() + " with " + opener.get(0)
                        + " failed (exit " + process.exitValue() + ")");
            }
            return new Launched(ID, why + ": opened " + target.installDirectory());
        } catch (IOException e) {
            throw new LaunchException(why + ", and nothing here opens folders (" + opener.get(0) + ": "
                    + e.getMessage() + "); the game is in " + target.installDirectory(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LaunchException("interrupted while opening " + target.installDirectory(), e);
        }
    }

    private List<String> opener() {
        String configured = context == null ? null : context.getProperty(OPENER);
        if (configured != null && !configured.isBlank()) {
            return LaunchCommands.parse(configured);
        }
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        return List.of(os.contains("win") ? "explorer" : os.contains("mac") ? "open" : "xdg-open");
    }

    private static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }
}
