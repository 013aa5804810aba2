package org.lanspread.api.library;

/**
 * A chunk of a game's download file that no longer matches its manifest, or a download file that is missing or has the
 * wrong size ({@link #chunk()} -1: every chunk of it is needed again).
 *
 * @param file  the file's path as the manifest names it
 * @param chunk the chunk's index in the file, or -1 for the whole file
 * @since 0.5
 */
public record DamagedChunk(String file, int chunk) {

    /** The whole file is missing or has another size. */
    public boolean wholeFile() {
        return chunk < 0;
    }

    @Override
    public String toString() {
        return wholeFile() ? file + " is missing or has another size" : "chunk " + chunk + " of " + file;
    }
}
