package org.lanspread.api.library;

import java.util.Locale;
import java.util.Set;

/** Game ids are folder names, so they must be safe as a single path segment on Windows and Linux. */
public final class GameIds {

    public static final int MAX_LENGTH = 128;
    private static final String FORBIDDEN = "<>:\"/\\|?*";
    private static final Set<String> RESERVED = Set.of("CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4",
            "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8",
            "LPT9");

    private GameIds() {
    }

    /** Why {@code id} is not a valid game id, or {@code null} when it is. */
    public static String problem(String id) {
        if (id == null || id.isEmpty()) {
            return "a game id must not be empty";
        }
        if (id.length() > MAX_LENGTH) {
            return "game id '" + id + "' is longer than " + MAX_LENGTH + " characters";
        }
        if (id.equals(".") || id.equals("..")) {
            return "'" + id + "' is not a game id";
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if (c < 0x20 || c == 0x7f || FORBIDDEN.indexOf(c) >= 0) {
                return "game id '" + id + "' contains a character not allowed in folder names: '" + printable(c) + "'";
            }
        }
        if (id.endsWith(".") || id.endsWith(" ") || id.startsWith(" ")) {
            return "game id '" + id + "' starts with a space or ends with a dot or space (not allowed on Windows)";
        }
        String stem = id.contains(".") ? id.substring(0, id.indexOf('.')) : id;
        if (RESERVED.contains(stem.toUpperCase(Locale.ROOT))) {
            return "game id '" + id + "' is a reserved device name on Windows";
        }
        return null;
    }

    public static boolean isValid(String id) {
        return problem(id) == null;
    }

    /** Returns {@code id} when valid, else throws {@link IllegalArgumentException} naming the problem. */
    public static String requireValid(String id) {
        String problem = problem(id);
        if (problem != null) {
            throw new IllegalArgumentException(problem);
        }
        return id;
    }

    private static String printable(char c) {
        return c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
