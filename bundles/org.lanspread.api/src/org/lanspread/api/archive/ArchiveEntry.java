package org.lanspread.api.archive;

/**
 * One entry of an archive set as its headers describe it, read without unpacking anything.
 *
 * @param path      the entry's path inside the archive, with '/' between names
 * @param directory a directory entry
 * @param link      a symbolic link
 * @param size      unpacked size in bytes (0 for a directory)
 * @param crc32     the CRC32 of the unpacked content as the archive records it, or -1 when it records none
 * @since 0.3
 */
public record ArchiveEntry(String path, boolean directory, boolean link, long size, long crc32) {

    /** A regular file's entry (neither a directory nor a link). */
    public boolean isFile() {
        return !directory && !link;
    }
}
