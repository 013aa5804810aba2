package org.lanspread.api.transport;

/**
 * One chunk of a manifest: file {@code file} (manifest order), chunk {@code chunk} of it.
 *
 * @since 0.4
 */
public record ChunkRef(int file, int chunk) {
    public ChunkRef {
        if (file < 0 || chunk < 0) {
            throw new IllegalArgumentException("chunk " + file + "/" + chunk + " is out of range");
        }
    }
}
