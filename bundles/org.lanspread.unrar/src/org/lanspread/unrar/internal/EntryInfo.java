package org.lanspread.unrar.internal;

/**
 * One entry of an archive set, as listed before anything is written.
 *
 * @param name       the entry's path inside the archive, as stored
 * @param directory  a directory entry
 * @param linkTarget for a symbolic link, where it points; else {@code null}
 * @param size       unpacked size in bytes
 * @param crc32      CRC32 of the whole unpacked file as its (last) header records it, or -1 when unknown
 * @param split      the entry's data continues in later volumes
 */
record EntryInfo(String name, boolean directory, String linkTarget, long size, long crc32, boolean split) {
    boolean isLink() {
        return linkTarget != null;
    }

    boolean isFile() {
        return !directory && !isLink();
    }

    EntryInfo withCrc(long crc) {
        return new EntryInfo(name, directory, linkTarget, size, crc, split);
    }
}
