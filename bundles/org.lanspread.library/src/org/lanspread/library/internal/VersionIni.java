package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a game's version.ini: either one line holding the version, or an INI file with a {@code version=} key
 * (in any section). Anything else is an error naming the file.
 */
final class VersionIni {

    static final String FILE_NAME = "version.ini";
    private static final int MAX_BYTES = 64 * 1024;

    private VersionIni() {
    }

    /** The version, or throws {@link InvalidVersionException} explaining what is wrong with the file. */
    static String read(Path file) throws IOException {
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw new InvalidVersionException(file + ": " + size + " bytes is too large for a version file");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file)))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidVersionException(file + ": not UTF-8 text");
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String> lines = new ArrayList<>();
        for (String raw : text.split("\\R")) {
            String line = raw.strip();
            if (!line.isEmpty() && !line.startsWith(";") && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        if (lines.isEmpty()) {
            throw new InvalidVersionException(file + ": empty (expected a version such as 20240315)");
        }
        String keyed = null;
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).strip().equalsIgnoreCase("version")) {
                if (keyed != null) {
                    throw new InvalidVersionException(file + ": more than one version= key");
                }
                keyed = line.substring(eq + 1).strip();
            }
        }
        if (keyed != null) {
            return check(file, unquote(keyed));
        }
        if (lines.size() == 1 && !lines.get(0).contains("=") && !lines.get(0).startsWith("[")) {
            return check(file, lines.get(0));
        }
        throw new InvalidVersionException(file + ": no version (expected a single line, or a version= key)");
    }

    private static String unquote(String value) {
        if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1).strip();
        }
        return value;
    }

    private static String check(Path file, String version) throws InvalidVersionException {
        if (version.isEmpty()) {
            throw new InvalidVersionException(file + ": the version is empty");
        }
        if (version.length() > 64 || !version.matches("[A-Za-z0-9][A-Za-z0-9._+-]*")) {
            throw new InvalidVersionException(file + ": '" + version
                    + "' is not a version (letters, digits and . _ + - only, at most 64 characters)");
        }
        return version;
    }

    /** A version.ini that exists but says nothing usable. */
    static final class InvalidVersionException extends IOException {
        private static final long serialVersionUID = 1L;

        InvalidVersionException(String message) {
            super(message);
        }
    }
}
