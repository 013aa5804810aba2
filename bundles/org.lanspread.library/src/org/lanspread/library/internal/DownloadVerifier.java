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

import org.lanspread.api.library.GameManifest;

/**
 * Verify: every chunk of a game's download files read again and hashed, against the manifest recorded for them (the
 * chunk hashes cached while the files' sizes and times are unchanged), so data that changed on disk under the same
 * size and time is found.
 */
final class DownloadVerifier {

    private DownloadVerifier() {
    }

    /**
     * @return one line per chunk that differs ("chunk 3 of doom.part2.rar"), empty when all match
     * @throws InterruptedException when {@code cancelled} says so (checked between chunks)
     */
    static List<String> verify(Path folder, GameManifest recorded, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        List<String> bad = new ArrayList<>();
        long done = 0;
        for (GameManifest.ManifestFile file : recorded.files()) {
            try (FileChannel channel = FileChannel.open(folder.resolve(file.path()), StandardOpenOption.READ)) {
                for (int chunk = 0; chunk < file.chunks().size(); chunk++) {
                    if (cancelled.getAsBoolean()) {
                        throw new InterruptedException("verify cancelled");
                    }
                    long offset = (long) chunk * recorded.chunkSize();
                    long length = Math.min(recorded.chunkSize(), file.size() - offset);
                    String now;
                    try {
                        now = ChunkHasher.hashRange(channel, offset, length);
                    } catch (UncheckedIOException e) {
                        throw new IOException(folder.resolve(file.path()) + ": " + e.getCause().getMessage(),
                                e.getCause());
                    }
                    if (!now.equals(file.chunks().get(chunk))) {
                        bad.add("chunk " + chunk + " of " + file.path());
                    }
                    done += length;
                    progress.accept(done);
                }
            } catch (NoSuchFileException e) {
                bad.add(file.path() + " is missing");
            }
        }
        return bad;
    }
}
