package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Refuses a download or an install that cannot fit, before it writes anything: the bytes it still needs plus a
 * margin must be free on the game directory's file system. The margin keeps the system usable: the smaller of 1 GiB
 * and 5 % of the file system, or {@value #MARGIN} (bytes, with an optional K/M/G suffix).
 */
final class SpaceCheck {

    static final String MARGIN = "lanspread.space.margin";
    private static final long GIB = 1L << 30;

    /** Why an operation cannot start: the message names what, where, and both numbers. */
    static final class NotEnoughSpace extends IOException {
        NotEnoughSpace(String message) {
            super(message);
        }
    }

    private SpaceCheck() {
    }

    /**
     * @param where  a path on the file system that will hold the data (or a descendant of an existing directory)
     * @param needed the bytes still to be written
     * @param what   what is written, e.g. "the download of doom 1.9"
     */
    static void require(Path where, long needed, String what) throws IOException {
        Path existing = where.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || needed <= 0) {
            return;
        }
        FileStore store = Files.getFileStore(existing);
        long free = store.getUsableSpace();
        long margin = margin(store.getTotalSpace());
        if (needed + margin > free) {
            throw new NotEnoughSpace(String.format(Locale.ROOT, "not enough space for %s in %s: it needs %s, and %s"
                    + " stay free as a margin, but the file system has %s free; free some space or choose another"
                    + " game directory", what, where, size(needed), size(margin), size(free)));
        }
    }

    static long margin(long total) {
        String configured = System.getProperty(MARGIN);
        if (configured != null && !configured.isBlank()) {
            return bytes(configured.strip());
        }
        return Math.min(GIB, total / 20);
    }

    private static long bytes(String text) {
        char unit = Character.toUpperCase(text.charAt(text.length() - 1));
        long factor = unit == 'K' ? 1L << 10 : unit == 'M' ? 1L << 20 : unit == 'G' ? GIB : 1;
        String digits = factor == 1 ? text : text.substring(0, text.length() - 1);
        try {
            return Long.parseLong(digits.strip()) * factor;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(MARGIN + ": '" + text + "' is not a number of bytes (e.g. 512M)");
        }
    }

    static String size(long bytes) {
        return bytes < 1L << 20 ? String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0)
                : bytes < GIB ? String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1L << 20))
                : String.format(Locale.ROOT, "%.2f GiB", bytes / (double) GIB);
    }
}
