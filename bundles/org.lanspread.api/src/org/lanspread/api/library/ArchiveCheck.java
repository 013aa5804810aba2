package org.lanspread.api.library;

/**
 * The verdict of a game's archives' own checks (every entry read and compared with the CRC its archive records), for
 * the download files as they were when checked.
 *
 * @param passed          whether every archive set of the game passed
 * @param problem         when not passed: what is wrong, naming the file; else {@code null}
 * @param bytes           bytes of archive content checked
 * @param checkedAtMillis when the check ended (epoch milliseconds)
 * @since 0.3
 */
public record ArchiveCheck(boolean passed, String problem, long bytes, long checkedAtMillis) {

    public static ArchiveCheck passed(long bytes) {
        return new ArchiveCheck(true, null, bytes, System.currentTimeMillis());
    }

    public static ArchiveCheck failed(String problem) {
        return new ArchiveCheck(false, problem, 0, System.currentTimeMillis());
    }
}
