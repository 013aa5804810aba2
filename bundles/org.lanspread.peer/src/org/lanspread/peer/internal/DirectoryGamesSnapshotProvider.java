package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Foundation placeholder for the peer runtime's snapshot: lists the game directory's folders and derives
 * each game's state from what is on disk. The library bundle replaces the scanning, and the runtime adds
 * peers and active operations.
 * <p>
 * The game directory is the framework property {@value #GAME_DIR_PROPERTY}, else {@code ~/LanSpread/games}.
 */
@Component(service = GamesSnapshotProvider.class)
public class DirectoryGamesSnapshotProvider implements GamesSnapshotProvider {

    public static final String GAME_DIR_PROPERTY = "lanspread.gamedir";

    private final AtomicLong revision = new AtomicLong();
    private BundleContext context;

    @Activate
    void activate(BundleContext bundleContext) {
        this.context = bundleContext;
    }

    Path gameDirectory() {
        String configured = context == null ? null : context.getProperty(GAME_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("user.home"), "LanSpread", "games");
    }

    @Override
    public GamesSnapshot snapshot() {
        Path dir = gameDirectory();
        List<GameView> games = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (Stream<Path> children = Files.list(dir)) {
                children.filter(Files::isDirectory).sorted(Comparator.comparing(Path::getFileName))
                        .forEach(game -> games.add(view(game)));
            } catch (IOException e) {
                throw new IllegalStateException("cannot list the game directory " + dir + ": " + e.getMessage(), e);
            }
        }
        return new GamesSnapshot(revision.incrementAndGet(), games);
    }

    private static GameView view(Path game) {
        String id = game.getFileName().toString();
        Path versionIni = game.resolve("version.ini");
        boolean downloaded = Files.isRegularFile(versionIni);
        boolean installed = Files.isDirectory(game.resolve("local"));
        String version = null;
        GameState state;
        if (downloaded) {
            try {
                version = readVersion(versionIni);
                state = installed ? GameState.INSTALLED : GameState.DOWNLOADED;
            } catch (IOException | IllegalArgumentException e) {
                state = GameState.BROKEN;
            }
        } else {
            state = installed ? GameState.LOCAL_ONLY : GameState.BROKEN;
        }
        return new GameView(id, id, state, version);
    }

    /** A single line holding the version, or an INI file with a {@code version=} key. */
    static String readVersion(Path versionIni) throws IOException {
        List<String> lines = Files.readAllLines(versionIni).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith(";") && !l.startsWith("#")).toList();
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("version")) {
                return requireVersion(line.substring(eq + 1).strip(), versionIni);
            }
        }
        if (lines.size() == 1 && !lines.get(0).contains("=") && !lines.get(0).startsWith("[")) {
            return requireVersion(lines.get(0), versionIni);
        }
        throw new IllegalArgumentException(versionIni + ": no version (expected one line or a version= key)");
    }

    private static String requireVersion(String value, Path file) {
        if (value.isEmpty() || !value.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException(file + ": invalid version '" + value + "'");
        }
        return value;
    }
}
