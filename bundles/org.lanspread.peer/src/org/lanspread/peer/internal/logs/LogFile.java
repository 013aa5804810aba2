package org.lanspread.peer.internal.logs;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The product's log file, beside what goes to stderr: {@code lanspread.0.log} in the log directory (see
 * {@link org.lanspread.api.runtime.StateLocations#logDirectory}), rotated to {@code lanspread.1.log} … when it reaches
 * {@link #LIMIT} bytes, {@link #COUNT} files at most, so the logs never take more than ~20 MiB. Every record of
 * {@link Level#INFO} and above, one line each (with the stack trace of a failure).
 */
public final class LogFile implements AutoCloseable {

    public static final String PATTERN = "lanspread.%g.log";
    public static final int LIMIT = 4 * 1024 * 1024;
    public static final int COUNT = 5;

    private final Handler handler;
    private final Path directory;

    private LogFile(Handler handler, Path directory) {
        this.handler = handler;
        this.directory = directory;
    }

    /** Adds the file to the root logger; close the result to remove it. */
    public static LogFile open(Path directory) throws IOException {
        return open(directory, LIMIT, COUNT);
    }

    static LogFile open(Path directory, int limit, int count) throws IOException {
        Files.createDirectories(directory);
        FileHandler handler = new FileHandler(directory.resolve(PATTERN).toString(), limit, count, true);
        handler.setEncoding("UTF-8");
        handler.setLevel(Level.INFO);
        handler.setFormatter(new OneLine());
        Logger.getLogger("").addHandler(handler);
        return new LogFile(handler, directory);
    }

    /** The handler on the root logger (tests). */
    Handler handler() {
        return handler;
    }

    public Path directory() {
        return directory;
    }

    /** The file being written now. */
    public Path current() {
        return directory.resolve(PATTERN.replace("%g", "0"));
    }

    @Override
    public void close() {
        Logger.getLogger("").removeHandler(handler);
        handler.close();
    }

    /** {@code 2026-12-06 02:40:01.123 INFO RuntimeCore: message}, then the stack trace of a thrown failure. */
    static final class OneLine extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                .withZone(ZoneId.systemDefault());

        @Override
        public String format(LogRecord record) {
            String logger = record.getLoggerName() == null ? "" : record.getLoggerName();
            StringBuilder line = new StringBuilder(128).append(TIME.format(Instant.ofEpochMilli(record.getMillis())))
                    .append(' ').append(record.getLevel().getName()).append(' ')
                    .append(logger.substring(logger.lastIndexOf('.') + 1)).append(": ").append(formatMessage(record))
                    .append(System.lineSeparator());
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }
    }
}
