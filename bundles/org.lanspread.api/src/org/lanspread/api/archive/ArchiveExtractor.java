package org.lanspread.api.archive;

import java.nio.file.Path;

/**
 * Extracts a RAR set (single or multi-volume: name.rar, name.partN.rar, or name.rar + name.r00 ...).
 * <p>
 * Contract: {@code target} must not exist and its parent must. The extractor checks every entry name before
 * writing anything, extracts into a staging directory beside {@code target} and moves it into place only when
 * everything succeeded. On any failure or cancellation, {@code target} does not exist afterwards and nothing
 * was written outside the staging directory.
 */
public interface ArchiveExtractor {

    /** Framework/system property naming the preferred extractor {@link #id()}. */
    String PREFERENCE = "lanspread.extractor";

    /** A short stable name, e.g. "junrar" or "sidecar". */
    String id();

    /** Whether this extractor can run here (e.g. a sidecar needs its tool on the PATH). */
    default boolean available() {
        return true;
    }

    ExtractionResult extract(Path firstVolume, Path target, ExtractionListener listener, Cancellation cancellation)
            throws ArchiveException;
}
