package org.lanspread.library.internal;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.lanspread.api.library.GameManifest;

/**
 * A downloaded game's manifest from the chunk hashes kept in the state store: a file's hashes are computed once and
 * reused while its size and modification time are unchanged.
 */
final class ManifestCache {

    private ManifestCache() {
    }

    /**
     * @param hashStale compute (and keep) the hashes of files whose cached ones are missing or stale; when false such a
     *                  file makes the result null: the hashes recorded earlier no longer describe it
     * @return the manifest of the download files in {@code folder}, or null (only when {@code hashStale} is false)
     */
    static GameManifest manifest(StateStore store, Path folder, String gameId, String version, boolean hashStale)
            throws IOException {
        int chunkSize = GameManifest.DEFAULT_CHUNK_SIZE;
        Map<String, Path> paths = new TreeMap<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(folder)) {
            for (Path entry : entries) {
                String name = entry.getFileName().toString();
                if (Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && GameFolderReader.isDownloadFile(name)) {
                    paths.put(name, entry);
                }
            }
        }
        List<GameManifest.ManifestFile> files = new ArrayList<>();
        for (Map.Entry<String, Path> entry : paths.entrySet()) {
            BasicFileAttributes attributes = Files.readAttributes(entry.getValue(), BasicFileAttributes.class);
            long mtime = attributes.lastModifiedTime().toMillis();
            StateStore.CachedFile cached = store.cachedFile(gameId, entry.getKey());
            if (cached == null || cached.size() != attributes.size() || cached.mtimeMillis() != mtime
                    || cached.chunkSize() != chunkSize) {
                if (!hashStale) {
                    return null;
                }
                cached = new StateStore.CachedFile(attributes.size(), mtime, chunkSize,
                        ChunkHasher.hashChunks(entry.getValue(), chunkSize));
                store.saveFile(gameId, entry.getKey(), cached);
            }
            files.add(new GameManifest.ManifestFile(entry.getKey(), cached.size(), cached.chunks()));
        }
        return new GameManifest(gameId, version, chunkSize, files);
    }
}
