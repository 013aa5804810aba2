package org.lanspread.library.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;

import org.lanspread.api.library.DamagedChunk;
import org.lanspread.api.library.GameManifest;

/**
 * Verify: every chunk of a game's download files read again and hashed, against a manifest (the one recorded for
 * them, or one peers offer for the same version), so data that changed on disk under the same size and time is found.
 */
final class DownloadVerifier {

    private DownloadVerifier() {
    }

    /**
     * @return the chunks that differ, and the files missing or of another size; empty when all match
     * @throws InterruptedException when {@code cancelled} says so (checked between chunks)
     */
    static List<DamagedChunk> verify(Path folder, GameManifest against, LongConsumer progress,
            BooleanSupplier cancelled) throws IOException, InterruptedException {
        List<DamagedChunk> bad = new ArrayList<>();
        long done = 0;
        for (GameManifest.ManifestFile file : against.files()) {
            try (FileChannel channel = FileChannel.open(folder.resolve(file.path()), StandardOpenOption.READ)) {
                if (channel.size() != file.size()) {
                    bad.add(new DamagedChunk(file.path(), -1));
                    done += file.size();
                    progress.accept(done);
                    continue;
                }
                for (int chunk = 0; chunk < file.chunks().size(); chunk++) {
                    if (cancelled.getAsBoolean()) {
                        throw new InterruptedException("verify cancelled");
                    }
                    long offset = (long) chunk * against.chunkSize();
                    long length = Math.min(against.chunkSize(), file.size() - offset);
                    String now;
                    try {
                        now = ChunkHasher.hashRange(channel, offset, length);
                    } catch (UncheckedIOException e) {
                        throw new IOException(folder.resolve(file.path()) + ": " + e.getCause().getMessage(),
                                e.getCause());
                    }
                    if (!now.equals(file.chunks().get(chunk))) {
                        bad.add(new DamagedChunk(file.path(), chunk));
                    }
                    done += length;
                    progress.accept(done);
                }
            } catch (NoSuchFileException e) {
                bad.add(new DamagedChunk(file.path(), -1));
                done += file.size();
                progress.accept(done);
            }
        }
        return bad;
    }
}
