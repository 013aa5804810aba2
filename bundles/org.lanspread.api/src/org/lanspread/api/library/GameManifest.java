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

    /**
     * The digest of this version's content: lowercase hex SHA-256 of the UTF-8 text "lanspread-content 1", the chunk
     * size, then per file its path, its size and its chunk hashes, each on a line of its own ending in '\n'. Two
     * manifests with the same content hash describe the same bytes.
     *
     * @since 0.3
     */
    public String contentHash() {
        StringBuilder text = new StringBuilder("lanspread-content 1\n").append(chunkSize).append('\n');
        for (ManifestFile file : files) {
            text.append(file.path()).append('\n').append(file.size()).append('\n');
            file.chunks().forEach(c -> text.append(c).append('\n'));
        }
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
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
