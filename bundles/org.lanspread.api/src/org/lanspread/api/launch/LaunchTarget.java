package org.lanspread.api.launch;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An installed game to start.
 *
 * @param gameId           the game id
 * @param name             its display name
 * @param installDirectory its {@code local/} folder (exists)
 * @param command          the executable (relative to {@code installDirectory}, checked to stay inside it) and its
 *                         arguments; empty when nothing says how to start the game
 */
public record LaunchTarget(String gameId, String name, Path installDirectory, List<String> command) {

    public LaunchTarget {
        Objects.requireNonNull(gameId, "gameId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(installDirectory, "installDirectory");
        command = List.copyOf(command);
    }

    /** The executable's path, when the command names one. */
    public Optional<Path> executable() {
        return command.isEmpty() ? Optional.empty() : Optional.of(installDirectory.resolve(command.get(0)));
    }

    /** The executable's file name extension in lower case without the dot (e.g. {@code exe}), or "". */
    public String extension() {
        if (command.isEmpty()) {
            return "";
        }
        String file = Path.of(command.get(0)).getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot < 0 ? "" : file.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    /** The arguments after the executable. */
    public List<String> arguments() {
        return command.isEmpty() ? List.of() : command.subList(1, command.size());
    }
}
