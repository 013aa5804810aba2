package org.lanspread.peer.internal.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.runtime.StateLocations;
import org.osgi.framework.FrameworkUtil;

/** The product's log file: one line per record, rotated and size-capped; the runtime component writes it. */
class LogFileTest {

    @TempDir
    Path dir;

    private static List<Path> logs(Path directory) throws Exception {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".log")).sorted().toList();
        }
    }

    @Test
    void recordsAreOneLineEachAndTheFilesRotateWithinTheirCap() throws Exception {
        Logger logger = Logger.getLogger("org.lanspread.test.LogFileTest");
        int limit = 64 * 1024;
        try (LogFile file = LogFile.open(dir.resolve("logs"), limit, 3)) {
            logger.info("first line");
            logger.fine("below INFO: not in the file");
            logger.log(Level.WARNING, "with a failure", new IllegalStateException("the cause"));
            String text = Files.readString(file.current());
            assertTrue(text.matches("(?s)\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO LogFileTest: first line\\R.*"),
                    text);
            assertFalse(text.contains("below INFO"), text);
            assertTrue(text.contains("WARNING LogFileTest: with a failure") && text.contains("IllegalStateException: "
                    + "the cause") && text.contains("\tat "), "a failure comes with its stack trace: " + text);

            String line = "x".repeat(200);
            logger.setUseParentHandlers(false); // ~1 MiB into the file only, not onto the test's console too
            logger.addHandler(file.handler());
            try {
                for (int i = 0; i < 5000; i++) { // many times the cap of 3 x 64 KiB
                    logger.info(line);
                }
            } finally {
                logger.removeHandler(file.handler());
                logger.setUseParentHandlers(true);
            }
            List<Path> files = logs(file.directory());
            assertEquals(3, files.size(), "rotated, never more than the count: " + files);
            long total = 0;
            for (Path f : files) {
                assertTrue(Files.size(f) <= limit + 512, f + ": " + Files.size(f));
                total += Files.size(f);
            }
            System.out.println("[logs] 1 MiB logged: " + files.size() + " files, " + total + " bytes kept");
        }
        logger.info("after close");
        assertFalse(Files.readString(dir.resolve("logs/lanspread.0.log")).contains("after close"),
                "closing removes the handler");
    }

    @Test
    void theRuntimeComponentWritesTheLogWhereTheUiLooksForIt() throws Exception {
        var context = FrameworkUtil.getBundle(LogFileTest.class).getBundleContext();
        org.lanspread.testing.osgi.Runtimes.awaitStarted();
        Path logs = StateLocations.logDirectory(context::getProperty);
        Path current = logs.resolve("lanspread.0.log");
        assertTrue(Files.exists(current), "no log at " + current);
        String text = Files.readString(current);
        assertTrue(text.contains("RuntimeCore: test-peer: running on "), text);
    }
}
