package org.lanspread.peer.internal;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * The settings a user applied, in {@value #FILE} in the state location, under the same keys as the framework
 * properties. A property given at start wins over the file for that run; the file wins over the defaults.
 */
final class SavedSettings {

    static final String FILE = "settings.properties";
    private static final Logger LOG = Logger.getLogger(SavedSettings.class.getName());

    private SavedSettings() {
    }

    /** The saved values (empty when there is no file; an unreadable one is logged and ignored, never deleted). */
    static Properties load(Path stateDirectory) {
        Properties saved = new Properties();
        Path file = stateDirectory.resolve(FILE);
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            saved.load(in);
        } catch (NoSuchFileException e) {
            // first start
        } catch (IOException | IllegalArgumentException e) {
            LOG.warning("ignoring the saved settings in " + file + ": " + e.getMessage());
            saved.clear();
        }
        return saved;
    }

    /** Framework properties first, then the saved file. */
    static Function<String, String> over(Function<String, String> properties, Properties saved) {
        return key -> {
            String value = properties.apply(key);
            return value != null ? value : saved.getProperty(key);
        };
    }

    /** Writes the file atomically (a crash leaves the old or the new file, never half of one). */
    static void save(Path stateDirectory, Properties values) throws IOException {
        Files.createDirectories(stateDirectory);
        Path file = stateDirectory.resolve(FILE);
        Path temp = stateDirectory.resolve(FILE + ".new");
        try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
            values.store(out, "LanSpread settings, written by the preferences (a -D property at start wins)");
        }
        try {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
