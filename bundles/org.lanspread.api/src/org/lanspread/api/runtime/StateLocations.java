package org.lanspread.api.runtime;

import java.net.URI;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.function.Supplier;

/** Where a peer keeps its state (library database, identity): one rule for every bundle. */
public final class StateLocations {

    /** Framework or system property naming the state directory. */
    public static final String STATE_DIR_PROPERTY = "lanspread.state.dir";
    /**
     * Framework or system property naming the log directory.
     *
     * @since 0.6
     */
    public static final String LOG_DIR_PROPERTY = "lanspread.log.dir";

    private StateLocations() {
    }

    /**
     * {@value #STATE_DIR_PROPERTY} when set; else {@code lanspread/} in the OSGi instance area (the product's
     * {@code -data} directory); else {@code fallback} (e.g. the bundle's data area).
     *
     * @param properties looks up a framework property (e.g. {@code BundleContext::getProperty})
     */
    public static Path resolve(Function<String, String> properties, Supplier<Path> fallback) {
        String configured = properties.apply(STATE_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path instance = instanceArea(properties);
        return instance != null ? instance.resolve("lanspread") : fallback.get();
    }

    /**
     * Where the product writes its log files: {@value #LOG_DIR_PROPERTY} when set; else {@code logs/} in the OSGi
     * instance area (the product's {@code -data} directory, {@code LANSPREAD_DATA}); else
     * {@code ~/.lanspread/data/logs}, the start script's default data directory.
     *
     * @since 0.6
     */
    public static Path logDirectory(Function<String, String> properties) {
        String configured = properties.apply(LOG_DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        Path instance = instanceArea(properties);
        return instance != null ? instance.resolve("logs")
                : Path.of(System.getProperty("user.home"), ".lanspread", "data", "logs");
    }

    private static Path instanceArea(Function<String, String> properties) {
        String instanceArea = properties.apply("osgi.instance.area");
        if (instanceArea != null && instanceArea.startsWith("file:")) {
            try {
                return Path.of(URI.create(instanceArea.replace(" ", "%20")));
            } catch (IllegalArgumentException e) {
                return null; // not a usable file URL
            }
        }
        return null;
    }
}
