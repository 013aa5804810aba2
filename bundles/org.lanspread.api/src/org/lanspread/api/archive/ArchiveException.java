package org.lanspread.api.archive;

import java.nio.file.Path;

/** An archive that cannot be extracted. The message names the file; the target was left untouched. */
public class ArchiveException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why extraction failed. */
    public enum Reason {
        /** Not a RAR archive, or damaged headers or data (CRC mismatch). */
        CORRUPT,
        /** The archive ends before its last entry does. */
        TRUNCATED,
        /** Encrypted entries or headers: LanSpread does not handle passwords. */
        ENCRYPTED,
        /** A volume of a multi-volume set is missing. */
        MISSING_VOLUME,
        /** An entry would be written outside the target (absolute path, "..", drive letter, escaping link). */
        UNSAFE_ENTRY,
        /** A feature this extractor does not support. */
        UNSUPPORTED,
        /** Cancelled by the caller. */
        CANCELLED,
        /** Reading the archive or writing the target failed. */
        IO
    }

    private final Reason reason;
    private final transient Path file;

    public ArchiveException(Reason reason, Path file, String detail, Throwable cause) {
        super(file + ": " + detail, cause);
        this.reason = reason;
        this.file = file;
    }

    public ArchiveException(Reason reason, Path file, String detail) {
        this(reason, file, detail, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The archive file (or volume) concerned. */
    public Path file() {
        return file;
    }
}
