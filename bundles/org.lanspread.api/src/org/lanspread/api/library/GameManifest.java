package org.lanspread.api.library;

import java.util.List;

/**
 * The files a peer serves for one game version: every file of the download (version.ini and archives),
 * with a SHA-256 per fixed-size chunk.
 *
 * @param gameId    the game
 * @param version   the version in version.ini
 * @param chunkSize bytes per chunk (the last chunk of a file may be shorter)
 * @param files     sorted by path
 */
public record GameManifest(String gameId, String version, int chunkSize, List<ManifestFile> files) {

    public static final int DEFAULT_CHUNK_SIZE = 4 * 1024 * 1024;

    public GameManifest {
        files = List.copyOf(files);
    }

    public long totalBytes() {
        return files.stream().mapToLong(ManifestFile::size).sum();
    }

    /**
     * One file of a download.
     *
     * @param path   relative to the game folder, '/'-separated
     * @param size   bytes
     * @param chunks lowercase hex SHA-256 of each chunk, in order
     */
    public record ManifestFile(String path, long size, List<String> chunks) {
        public ManifestFile {
            chunks = List.copyOf(chunks);
        }
    }
}
