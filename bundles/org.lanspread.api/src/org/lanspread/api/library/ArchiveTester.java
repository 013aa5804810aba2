package org.lanspread.api.library;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks a game's archives with their own checks, for {@link GameLibrary#checkArchives}.
 *
 * @since 0.3
 */
@FunctionalInterface
public interface ArchiveTester {

    /**
     * @param folder   the game folder
     * @param archives its archive files, names relative to {@code folder}, sorted
     * @return the verdict: passed, or failed naming the file and what is wrong with it
     * @throws IOException          when the check could not be made (no verdict is recorded)
     * @throws InterruptedException when cancelled (no verdict is recorded)
     */
    ArchiveCheck test(Path folder, List<String> archives) throws IOException, InterruptedException;
}
