package org.lanspread.unrar.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads just enough of a RAR file's first headers to tell the format and whether it is part of a volume set. */
final class RarHeaders {

    private static final byte[] RAR4 = { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00 };
    private static final byte[] RAR5 = { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00 };

    private RarHeaders() {
    }

    /** Whether the archive's main header says it is a volume of a multi-volume set; null when not a RAR file. */
    static Boolean isVolume(Path file) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(64);
        }
        if (head.length >= RAR5.length + 8 && Arrays.equals(Arrays.copyOf(head, RAR5.length), RAR5)) {
            int[] pos = { RAR5.length + 4 }; // skip the header CRC32
            readVint(head, pos); // header size
            long type = readVint(head, pos);
            long flags = readVint(head, pos);
            if (type != 1) {
                return null;
            }
            if ((flags & 0x0001) != 0) {
                readVint(head, pos); // extra area size
            }
            return (readVint(head, pos) & 0x0001) != 0;
        }
        if (head.length >= RAR4.length + 7 && Arrays.equals(Arrays.copyOf(head, RAR4.length), RAR4)) {
            int type = head[RAR4.length + 2] & 0xFF;
            int flags = (head[RAR4.length + 3] & 0xFF) | (head[RAR4.length + 4] & 0xFF) << 8;
            return type == 0x73 ? (flags & 0x0001) != 0 : null;
        }
        return null;
    }

    private static long readVint(byte[] bytes, int[] pos) {
        long value = 0;
        for (int shift = 0; pos[0] < bytes.length && shift < 64; shift += 7) {
            int b = bytes[pos[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                break;
            }
        }
        return value;
    }
}
