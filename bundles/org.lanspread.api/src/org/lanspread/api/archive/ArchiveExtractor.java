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

    /** Whether {@link #test} is implemented (it reads and checks without writing). */
    default boolean tests() {
        return false;
    }

    /**
     * Reads every entry of the set and checks it with the archive's own CRCs, writing nothing: the same reasons as
     * {@link #extract} for a damaged, truncated or incomplete set. The result counts the entries and bytes checked.
     *
     * @throws ArchiveException {@link ArchiveException.Reason#UNSUPPORTED} when {@link #tests()} is false
     * @since 0.2
     */
    default ExtractionResult test(Path firstVolume, ExtractionListener listener, Cancellation cancellation)
            throws ArchiveException {
        throw new ArchiveException(ArchiveException.Reason.UNSUPPORTED, firstVolume, id() + " cannot test archives");
    }

    /**
     * Lists every entry of the set from its headers, unpacking nothing: what an install of the set must hold (sizes and
     * CRCs), so an installed tree can be checked against it.
     *
     * @throws ArchiveException {@link ArchiveException.Reason#UNSUPPORTED} when this extractor cannot list entries;
     *                          else the same reasons as {@link #extract} for a damaged or incomplete set
     * @since 0.3
     */
    default java.util.List<ArchiveEntry> entries(Path firstVolume) throws ArchiveException {
        throw new ArchiveException(ArchiveException.Reason.UNSUPPORTED, firstVolume, id() + " cannot list entries");
    }
}
