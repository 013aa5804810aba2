package org.lanspread.launcher.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.lanspread.api.catalog.CatalogEntry;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.launch.GameLauncher;
import org.lanspread.api.launch.GameLaunching;
import org.lanspread.api.launch.LaunchCommands;
import org.lanspread.api.launch.LaunchException;
import org.lanspread.api.launch.LaunchTarget;
import org.lanspread.api.launch.Launched;
import org.lanspread.api.library.GameIds;
import org.lanspread.api.runtime.PeerRuntime;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@link GameLaunching}: finds how an installed game starts (its {@code version.ini} {@code launch=} key, else the
 * catalog's command) and hands it to the highest-ranked {@link GameLauncher} that supports it. Launchers come and
 * go with their bundles.
 */
@Component
public class LaunchService implements GameLaunching {

    static final String LAUNCH_KEY = "launch";
    private static final Pattern KEY = Pattern.compile("\\s*launch\\s*=\\s*(.*?)\\s*", Pattern.CASE_INSENSITIVE);

    private record Ranked(GameLauncher launcher, int ranking, long serviceId) {
    }

    private final Map<GameLauncher, Ranked> launchers = new ConcurrentHashMap<>();

    @Reference
    private PeerRuntime runtime;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile GameCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addLauncher(GameLauncher launcher, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        Object id = properties.get(Constants.SERVICE_ID);
        launchers.put(launcher, new Ranked(launcher, ranking instanceof Integer i ? i : 0,
                id instanceof Long l ? l : Long.MAX_VALUE));
    }

    void removeLauncher(GameLauncher launcher) {
        launchers.remove(launcher);
    }

    private List<GameLauncher> ranked() {
        return launchers.values().stream()
                .sorted(Comparator.comparingInt(Ranked::ranking).reversed().thenComparingLong(Ranked::serviceId))
                .map(Ranked::launcher).toList();
    }

    @Override
    public List<String> launchers() {
        return ranked().stream().map(GameLauncher::id).toList();
    }

    @Override
    public LaunchTarget target(String gameId) throws LaunchException {
        try {
            GameIds.requireValid(gameId);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(e.getMessage(), e);
        }
        Path folder = runtime.gameDirectory().resolve(gameId);
        Path local = folder.resolve("local");
        if (!Files.isDirectory(local)) {
            throw new LaunchException("'" + gameId + "' is not installed (there is no " + local + ")");
        }
        GameCatalog known = catalog;
        CatalogEntry entry = null;
        try {
            entry = known == null ? null : known.find(gameId).orElse(null);
        } catch (RuntimeException e) {
            // an unavailable catalog names no command: the version.ini key or the folder still work
        }
        String name = entry == null ? gameId : entry.name();
        String source = folder.resolve("version.ini").toString();
        String command = launchKey(folder.resolve("version.ini"));
        if (command == null && entry != null) {
            command = entry.launch();
            source = "the catalog entry of " + gameId;
        }
        List<String> words;
        try {
            words = LaunchCommands.parse(command);
        } catch (IllegalArgumentException e) {
            throw new LaunchException(source + ": " + e.getMessage(), e);
        }
        if (!words.isEmpty()) {
            inside(local, words.get(0), source);
        }
        return new LaunchTarget(gameId, name, local, words);
    }

    /** Refuses an executable that is absolute, climbs out with "..", or resolves (links included) outside local/. */
    static void inside(Path local, String executable, String source) throws LaunchException {
        String normalized = executable.replace('\\', '/');
        boolean escapes = normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")
                || List.of(normalized.split("/")).contains("..");
        try {
            Path resolved = local.resolve(normalized).normalize();
            if (!escapes && Files.exists(resolved)) {
                escapes = !resolved.toRealPath().startsWith(local.toRealPath());
            }
        } catch (IOException | java.nio.file.InvalidPathException e) {
            escapes = true;
        }
        if (escapes) {
            throw new LaunchException(source + ": the launch command '" + executable
                    + "' points outside the install folder " + local);
        }
    }

    /** The {@code launch=} value of a version.ini, or null (no file, a one-line version, or no such key). */
    static String launchKey(Path versionIni) throws LaunchException {
        if (!Files.isRegularFile(versionIni)) {
            return null;
        }
        try {
            for (String line : Files.readAllLines(versionIni, StandardCharsets.UTF_8)) {
                Matcher matcher = KEY.matcher(line);
                if (matcher.matches() && !matcher.group(1).isEmpty()) {
                    return matcher.group(1);
                }
            }
            return null;
        } catch (IOException e) {
            throw new LaunchException("cannot read " + versionIni + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String launcherFor(LaunchTarget target) throws LaunchException {
        return choose(target).id();
    }

    private GameLauncher choose(LaunchTarget target) throws LaunchException {
        for (GameLauncher launcher : ranked()) {
            try {
                if (launcher.supports(target)) {
                    return launcher;
                }
            } catch (RuntimeException e) {
                // a broken plug-in must not stop the others
            }
        }
        throw new LaunchException("no game launcher supports " + target.name() + " (registered: " + launchers()
                + ")");
    }

    @Override
    public Launched launch(String gameId) throws LaunchException {
        LaunchTarget target = target(gameId);
        return choose(target).launch(target);
    }
}
