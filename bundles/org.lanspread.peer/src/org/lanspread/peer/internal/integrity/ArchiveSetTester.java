package org.lanspread.peer.internal.integrity;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.Cancellation;
import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.ArchiveTester;

/**
 * Tests every RAR set of a game with an extractor's test mode (each entry read and compared with its archive's CRC,
 * nothing written). Damaged, truncated, incomplete or encrypted sets are a failed verdict naming the file; a set that
 * could not be read at all (permissions, a vanished file) is no verdict: an IOException naming the cause.
 */
public final class ArchiveSetTester implements ArchiveTester {

    /** Bytes checked so far of the game's sets together. */
    @FunctionalInterface
    public interface Progress {
        void checked(long bytesDone);
    }

    private final ArchiveExtractor extractor;
    private final Progress progress;
    private final Cancellation cancellation;

    public ArchiveSetTester(ArchiveExtractor extractor, Progress progress, Cancellation cancellation) {
        this.extractor = extractor;
        this.progress = progress;
        this.cancellation = cancellation;
    }

    @Override
    public ArchiveCheck test(Path folder, List<String> archives) throws IOException, InterruptedException {
        List<Path> sets = ArchiveSets.firstVolumes(folder, archives);
        if (sets.isEmpty()) {
            return ArchiveCheck.failed(folder + ": there is no RAR archive to check");
        }
        long before = 0;
        for (Path first : sets) {
            long base = before;
            try {
                before += extractor.test(first, (bytes, total, entries, entriesTotal) -> progress.checked(base + bytes),
                        cancellation).bytes();
            } catch (ArchiveException e) {
                switch (e.reason()) {
                    case CANCELLED -> throw new InterruptedException("the archive check was cancelled");
                    case IO, UNSUPPORTED -> throw new IOException("cannot check " + first.getFileName() + ": "
                            + e.getMessage(), e);
                    default -> {
                        return ArchiveCheck.failed(e.getMessage());
                    }
                }
            }
        }
        return ArchiveCheck.passed(before);
    }
}
