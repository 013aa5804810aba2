package org.lanspread.api.archive;

/**
 * A finished extraction.
 *
 * @param entries files and directories written
 * @param bytes   bytes of file content written
 */
public record ExtractionResult(int entries, long bytes) {
}
