package org.lanspread.unrar.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;

/**
 * Presents a multi-volume RAR set (RAR4 or RAR5) as one single-volume archive, streamed, for tools that read a
 * single file. A file split across volumes becomes one entry: split flags cleared, packed size summed, the
 * whole-file CRC taken from its last part, its data the concatenation of its parts. Volume flags, service
 * blocks (comments, recovery records, quick-open data) and the per-volume end blocks are dropped. Packed data
 * is copied untouched, so compressed archives work as well as stored ones.
 */
final class VolumeJoiner {

    private static final byte[] RAR4 = { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00 };
    private static final byte[] RAR5 = { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00 };
    private static final Pattern PARTS = Pattern.compile("(?i)(.*\\.part)(\\d+)(\\.rar)");
    private static final Pattern OLD = Pattern.compile("(?i)(.*\\.)([r-z])(\\d{2})");

    /** A piece of the joined stream: literal bytes, or a range of a volume file. */
    private record Segment(byte[] bytes, Path file, long offset, long length) {
        long size() {
            return bytes != null ? bytes.length : length;
        }
    }

    private final Path first;
    private final List<Segment> segments = new ArrayList<>();
    private final List<Path> volumes = new ArrayList<>();

    private VolumeJoiner(Path first) {
        this.first = first;
    }

    /** Reads every volume's headers (not their data) and plans the joined stream. */
    static VolumeJoiner plan(Path first) throws ArchiveException {
        VolumeJoiner joiner = new VolumeJoiner(first);
        try {
            byte[] signature = readAt(first, 0, RAR5.length);
            if (Arrays.equals(signature, RAR5)) {
                joiner.planRar5();
            } else if (Arrays.equals(Arrays.copyOf(signature, RAR4.length), RAR4)) {
                joiner.planRar4();
            } else {
                throw new ArchiveException(Reason.CORRUPT, first, "not a RAR archive");
            }
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, first, "reading volume headers: " + e.getMessage(), e);
        }
        return joiner;
    }

    List<Path> volumes() {
        return volumes;
    }

    long size() {
        return segments.stream().mapToLong(Segment::size).sum();
    }

    /** Writes the joined archive to {@code out}. */
    void writeTo(OutputStream out) throws IOException {
        byte[] buffer = new byte[1 << 16];
        for (Segment segment : segments) {
            if (segment.bytes() != null) {
                out.write(segment.bytes());
                continue;
            }
            try (InputStream in = Files.newInputStream(segment.file())) {
                in.skipNBytes(segment.offset());
                long left = segment.length();
                while (left > 0) {
                    int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                    if (n < 0) {
                        throw new IOException(segment.file() + " ends before its data does");
                    }
                    out.write(buffer, 0, n);
                    left -= n;
                }
            }
        }
    }

    /** The name of the volume after {@code volume}: name.partN.rar, or name.rar, name.r00, name.r01 ... */
    static Path nextVolume(Path volume, boolean oldNaming) {
        String name = volume.getFileName().toString();
        Matcher parts = PARTS.matcher(name);
        if (!oldNaming && parts.matches()) {
            String digits = parts.group(2);
            String next = String.format("%0" + digits.length() + "d", Long.parseLong(digits) + 1);
            return volume.resolveSibling(parts.group(1) + next + parts.group(3));
        }
        if (name.toLowerCase(Locale.ROOT).endsWith(".rar")) {
            return volume.resolveSibling(name.substring(0, name.length() - 3) + "r00");
        }
        Matcher old = OLD.matcher(name);
        if (old.matches()) {
            int number = Integer.parseInt(old.group(3)) + 1;
            char letter = old.group(2).charAt(0);
            if (number > 99) {
                number = 0;
                letter++;
            }
            return volume.resolveSibling(old.group(1) + letter + String.format("%02d", number));
        }
        return volume.resolveSibling(name + ".next-volume-unknown");
    }

    private Path requireNext(Path volume, boolean oldNaming) throws ArchiveException {
        Path next = nextVolume(volume, oldNaming);
        if (!Files.isRegularFile(next)) {
            throw new ArchiveException(Reason.MISSING_VOLUME, volume, "the next volume " + next.getFileName()
                    + " is missing");
        }
        return next;
    }

    // ---- RAR 4 ----

    /** A file entry being joined: its first header (rewritten at the end), and the data ranges of its parts. */
    private static final class Joined {
        /** RAR4: the whole first header. RAR5: the first header's bytes after its data-size field. */
        byte[] header;
        /** RAR5: the first header's flags (split bits cleared) and extra-area size. */
        long flags;
        long extraSize;
        /** RAR5: where the CRC32 field sits in {@link #header}, or -1 when the header has none. */
        int crcOffset = -1;
        long packed;
        /** The CRC from the latest part's header: the whole-file CRC once the last part is read. */
        long crc;
        final List<Segment> data = new ArrayList<>();
    }

    private void planRar4() throws IOException, ArchiveException {
        segments.add(new Segment(RAR4.clone(), null, 0, 0));
        Path volume = first;
        boolean oldNaming = false;
        Joined open = null;
        int index = 0;
        while (true) {
            volumes.add(volume);
            long size = Files.size(volume);
            long position = RAR4.length;
            boolean more = false;
            boolean lastSplitAfter = false;
            while (position + 7 <= size) {
                ByteBuffer base = le(readAt(volume, position, 7));
                int type = base.get(2) & 0xFF;
                int flags = base.getShort(3) & 0xFFFF;
                int headSize = base.getShort(5) & 0xFFFF;
                if (headSize < 7) {
                    throw corrupt(volume, "a block header of " + headSize + " bytes at offset " + position);
                }
                byte[] header = readAt(volume, position, headSize);
                long dataSize = 0;
                if (type == 0x74 || type == 0x7A || (flags & 0x8000) != 0) {
                    ByteBuffer h = le(header);
                    dataSize = h.getInt(7) & 0xFFFFFFFFL;
                    if ((type == 0x74 || type == 0x7A) && (flags & 0x0100) != 0) {
                        dataSize |= (h.getInt(32) & 0xFFFFFFFFL) << 32;
                    }
                }
                long dataStart = position + headSize;
                if (type == 0x73) {
                    oldNaming = (flags & 0x0010) == 0;
                    if (index == 0) {
                        byte[] main = header.clone();
                        putShort(main, 3, flags & ~(0x0001 | 0x0010 | 0x0100 | 0x0040));
                        segments.add(new Segment(rar4Crc(main), null, 0, 0));
                    }
                } else if (type == 0x74) {
                    boolean splitBefore = (flags & 0x01) != 0;
                    boolean splitAfter = (flags & 0x02) != 0;
                    if (!splitBefore) {
                        if (open != null) {
                            throw corrupt(volume, "a split file ends without its last part");
                        }
                        open = new Joined();
                        open.header = header;
                    } else if (open == null) {
                        throw corrupt(volume, "a file continues from a previous volume that is not part of this set");
                    }
                    open.data.add(new Segment(null, volume, dataStart, dataSize));
                    open.packed += dataSize;
                    open.crc = le(header).getInt(16) & 0xFFFFFFFFL;
                    if (!splitAfter) {
                        emitRar4(open, volume);
                        open = null;
                    }
                    lastSplitAfter = splitAfter;
                } else if (type == 0x7B) {
                    more = (flags & 0x0001) != 0;
                    break;
                }
                // other blocks (comments, recovery, service headers) are dropped
                position = dataStart + dataSize;
            }
            if (!more && !lastSplitAfter) {
                break;
            }
            volume = requireNext(volume, oldNaming);
            index++;
        }
        if (open != null) {
            throw new ArchiveException(Reason.MISSING_VOLUME, volume, "the last volume ends inside a split file");
        }
        segments.add(new Segment(new byte[] { (byte) 0xC4, 0x3D, 0x7B, 0x00, 0x40, 0x07, 0x00 }, null, 0, 0));
    }

    private void emitRar4(Joined joined, Path volume) throws ArchiveException {
        byte[] header = joined.header.clone();
        int flags = (le(header).getShort(3) & 0xFFFF) & ~0x03;
        boolean large = (flags & 0x0100) != 0;
        if (!large && joined.packed > 0xFFFFFFFFL) {
            throw new ArchiveException(Reason.UNSUPPORTED, volume, "a joined entry of more than 4 GiB without "
                    + "64-bit sizes");
        }
        putShort(header, 3, flags);
        putInt(header, 7, joined.packed);
        if (large) {
            putInt(header, 32, joined.packed >>> 32);
        }
        putInt(header, 16, joined.crc);
        segments.add(new Segment(rar4Crc(header), null, 0, 0));
        segments.addAll(joined.data);
    }

    /** Sets a RAR4 block's CRC16 (low half of the CRC32 of everything after the CRC field). */
    private static byte[] rar4Crc(byte[] header) {
        CRC32 crc = new CRC32();
        crc.update(header, 2, header.length - 2);
        header[0] = (byte) crc.getValue();
        header[1] = (byte) (crc.getValue() >>> 8);
        return header;
    }

    // ---- RAR 5 ----

    private void planRar5() throws IOException, ArchiveException {
        segments.add(new Segment(RAR5.clone(), null, 0, 0));
        Path volume = first;
        Joined open = null;
        int index = 0;
        while (true) {
            volumes.add(volume);
            long size = Files.size(volume);
            long position = RAR5.length;
            boolean more = false;
            boolean lastSplitAfter = false;
            while (position + 5 <= size) {
                byte[] probe = readAt(volume, position, (int) Math.min(4 + 3, size - position));
                int[] cursor = { 4 };
                long headerSize = vint(probe, cursor);
                int sizeLength = cursor[0] - 4;
                if (headerSize <= 0 || headerSize > 2 * 1024 * 1024) {
                    throw corrupt(volume, "a block header of " + headerSize + " bytes at offset " + position);
                }
                byte[] block = readAt(volume, position, (int) (4 + sizeLength + headerSize));
                CRC32 check = new CRC32();
                check.update(block, 4, block.length - 4);
                if ((le(block).getInt(0) & 0xFFFFFFFFL) != check.getValue()) {
                    throw corrupt(volume, "a block header at offset " + position + " fails its CRC");
                }
                int[] c = { 4 + sizeLength };
                long type = vint(block, c);
                long flags = vint(block, c);
                long extraSize = (flags & 0x0001) != 0 ? vint(block, c) : 0;
                long dataSize = (flags & 0x0002) != 0 ? vint(block, c) : 0;
                int afterDataSize = c[0];
                long dataStart = position + block.length;
                if (type == 1) {
                    if (index == 0) {
                        long archiveFlags = vint(block, c) & ~0x0003L;
                        segments.add(new Segment(rar5Block(new Vints().vint(1).vint(0).vint(archiveFlags).bytes()), null,
                                0, 0));
                    }
                } else if (type == 2) {
                    boolean splitBefore = (flags & 0x0008) != 0;
                    boolean splitAfter = (flags & 0x0010) != 0;
                    long fileFlags = vint(block, c);
                    vint(block, c); // unpacked size
                    vint(block, c); // attributes
                    if ((fileFlags & 0x0002) != 0) {
                        c[0] += 4; // mtime
                    }
                    int crcOffset = (fileFlags & 0x0004) != 0 ? c[0] : -1;
                    if (!splitBefore) {
                        if (open != null) {
                            throw corrupt(volume, "a split file ends without its last part");
                        }
                        open = new Joined();
                        // Keep what follows the data size field; remember where the CRC sits in it.
                        open.header = Arrays.copyOfRange(block, afterDataSize, block.length);
                        open.crcOffset = crcOffset < 0 ? -1 : crcOffset - afterDataSize;
                        open.flags = flags & ~(0x0008L | 0x0010L);
                        open.extraSize = extraSize;
                    } else if (open == null) {
                        throw corrupt(volume, "a file continues from a previous volume that is not part of this set");
                    }
                    open.data.add(new Segment(null, volume, dataStart, dataSize));
                    open.packed += dataSize;
                    if (crcOffset >= 0) {
                        open.crc = le(block).getInt(crcOffset) & 0xFFFFFFFFL;
                    }
                    if (!splitAfter) {
                        emitRar5(open);
                        open = null;
                    }
                    lastSplitAfter = splitAfter;
                } else if (type == 4) {
                    throw new ArchiveException(Reason.ENCRYPTED, volume, "the archive's headers are encrypted");
                } else if (type == 5) {
                    more = (vint(block, c) & 0x0001) != 0;
                    break;
                }
                // service blocks (comments, quick open, recovery) are dropped
                position = dataStart + dataSize;
            }
            if (!more && !lastSplitAfter) {
                break;
            }
            volume = requireNext(volume, false);
            index++;
        }
        if (open != null) {
            throw new ArchiveException(Reason.MISSING_VOLUME, volume, "the last volume ends inside a split file");
        }
        segments.add(new Segment(rar5Block(new Vints().vint(5).vint(0).vint(0).bytes()), null, 0, 0));
    }

    private void emitRar5(Joined joined) {
        byte[] rest = joined.header.clone();
        if (joined.crcOffset >= 0) {
            putInt(rest, joined.crcOffset, joined.crc);
        }
        Vints header = new Vints().vint(2).vint(joined.flags | 0x0002);
        if ((joined.flags & 0x0001) != 0) {
            header.vint(joined.extraSize);
        }
        header.vint(joined.packed).raw(rest);
        segments.add(new Segment(rar5Block(header.bytes()), null, 0, 0));
        segments.addAll(joined.data);
    }

    /** CRC32, header size (vint), header. */
    private static byte[] rar5Block(byte[] header) {
        byte[] sized = new Vints().vint(header.length).raw(header).bytes();
        CRC32 crc = new CRC32();
        crc.update(sized);
        ByteBuffer out = ByteBuffer.allocate(4 + sized.length).order(ByteOrder.LITTLE_ENDIAN);
        out.putInt((int) crc.getValue()).put(sized);
        return out.array();
    }

    private static final class Vints {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Vints vint(long v) {
            do {
                int b = (int) (v & 0x7F);
                v >>>= 7;
                out.write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
            return this;
        }

        Vints raw(byte[] bytes) {
            out.writeBytes(bytes);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }
    }

    private static long vint(byte[] bytes, int[] cursor) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (cursor[0] >= bytes.length) {
                return -1;
            }
            int b = bytes[cursor[0]++] & 0xFF;
            value |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                return value;
            }
        }
        return -1;
    }

    // ---- helpers ----

    private static byte[] readAt(Path file, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, position + buffer.position()) < 0) {
                    throw new IOException(file + " ends inside a block header at offset " + position);
                }
            }
        }
        return buffer.array();
    }

    private static ByteBuffer le(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void putShort(byte[] b, int at, int v) {
        b[at] = (byte) v;
        b[at + 1] = (byte) (v >>> 8);
    }

    private static void putInt(byte[] b, int at, long v) {
        for (int i = 0; i < 4; i++) {
            b[at + i] = (byte) (v >>> (8 * i));
        }
    }

    private static ArchiveException corrupt(Path volume, String what) {
        return new ArchiveException(Reason.CORRUPT, volume, "damaged volume: " + what);
    }
}
