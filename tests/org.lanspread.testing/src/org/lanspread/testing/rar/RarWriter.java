package org.lanspread.testing.rar;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.zip.CRC32;

/**
 * Writes stored (uncompressed) RAR archives, RAR4 or RAR5, single or multi-volume, from the public format
 * descriptions. Test fixture only: no compression, and it writes exactly what it is told, including hostile
 * names and links, so that extractors can be tested against them.
 */
public final class RarWriter {

    public enum Format {
        RAR4, RAR5
    }

    /** How volumes are named: {@code name.part1.rar, name.part2.rar} or {@code name.rar, name.r00, name.r01}. */
    public enum Naming {
        PARTS, OLD
    }

    /** Streams an entry's bytes; called twice (once for the CRC, once to write). */
    @FunctionalInterface
    public interface Content {
        InputStream open() throws IOException;
    }

    private enum Kind {
        FILE, DIRECTORY, SYMLINK
    }

    private record Entry(String name, Kind kind, long size, Content content, String linkTarget, boolean encrypted) {
    }

    /** Room kept in a volume for the next header and the end-of-archive block. */
    private static final int HEADER_RESERVE = 256;

    private final Format format;
    private final List<Entry> entries = new ArrayList<>();
    private long volumeSize = Long.MAX_VALUE;
    private Naming naming = Naming.PARTS;

    private RarWriter(Format format) {
        this.format = format;
    }

    public static RarWriter rar4() {
        return new RarWriter(Format.RAR4);
    }

    public static RarWriter rar5() {
        return new RarWriter(Format.RAR5);
    }

    public static RarWriter of(Format format) {
        return new RarWriter(format);
    }

    public RarWriter file(String name, byte[] data) {
        byte[] copy = data.clone();
        entries.add(new Entry(name, Kind.FILE, copy.length, () -> new java.io.ByteArrayInputStream(copy), null, false));
        return this;
    }

    public RarWriter file(String name, String text) {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** A file whose bytes come from {@code source} (streamed, so it may be larger than memory). */
    public RarWriter file(String name, Path source) throws IOException {
        entries.add(new Entry(name, Kind.FILE, Files.size(source), () -> Files.newInputStream(source), null, false));
        return this;
    }

    /** A file of {@code size} pseudo-random bytes from {@code seed} (streamed). */
    public RarWriter randomFile(String name, long size, long seed) {
        entries.add(new Entry(name, Kind.FILE, size, () -> new RandomStream(seed, size), null, false));
        return this;
    }

    public RarWriter directory(String name) {
        entries.add(new Entry(name, Kind.DIRECTORY, 0, () -> InputStream.nullInputStream(), null, false));
        return this;
    }

    /** A Unix symbolic link {@code name -> target}. */
    public RarWriter symlink(String name, String target) {
        byte[] bytes = target.getBytes(StandardCharsets.UTF_8);
        entries.add(new Entry(name, Kind.SYMLINK, bytes.length, () -> new java.io.ByteArrayInputStream(bytes), target,
                false));
        return this;
    }

    /** A file flagged as encrypted (its bytes are written as they are: nobody can decrypt them). */
    public RarWriter encryptedFile(String name, byte[] data) {
        byte[] copy = data.clone();
        entries.add(new Entry(name, Kind.FILE, copy.length, () -> new java.io.ByteArrayInputStream(copy), null, true));
        return this;
    }

    /** Splits the archive into volumes of at most about {@code bytes} each (headers may exceed it slightly). */
    public RarWriter volumeSize(long bytes) {
        if (bytes < 2 * HEADER_RESERVE) {
            throw new IllegalArgumentException("volumes must hold at least " + 2 * HEADER_RESERVE + " bytes");
        }
        this.volumeSize = bytes;
        return this;
    }

    public RarWriter naming(Naming naming) {
        if (format == Format.RAR5 && naming == Naming.OLD) {
            throw new IllegalArgumentException("RAR5 has no old-style volume names");
        }
        this.naming = Objects.requireNonNull(naming);
        return this;
    }

    /**
     * Writes the archive into {@code dir} as {@code baseName}.rar (single volume) or a volume set.
     *
     * @return the volumes, first one first
     */
    public List<Path> write(Path dir, String baseName) throws IOException {
        Files.createDirectories(dir);
        List<long[]> crcs = new ArrayList<>();
        for (Entry entry : entries) {
            crcs.add(new long[] { crc(entry) });
        }
        boolean multi = volumeSize != Long.MAX_VALUE;
        List<Path> volumes = new ArrayList<>();
        VolumeSink sink = new VolumeSink(dir, baseName, multi, volumes);
        sink.start();
        for (int i = 0; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            long remaining = entry.size();
            boolean first = true;
            try (InputStream in = entry.content().open()) {
                if (multi && sink.written + HEADER_RESERVE >= volumeSize) {
                    sink.next(); // this volume is full: the entry starts in the next one
                }
                do {
                    long room = multi ? Math.max(1, volumeSize - sink.written - HEADER_RESERVE) : Long.MAX_VALUE;
                    long piece = Math.min(remaining, room);
                    boolean splitAfter = piece < remaining;
                    byte[] pieceCrcSource = null;
                    long pieceCrc;
                    if (splitAfter || !first) {
                        pieceCrcSource = readExactly(in, piece);
                        CRC32 crc = new CRC32();
                        crc.update(pieceCrcSource);
                        pieceCrc = crc.getValue();
                    } else {
                        pieceCrc = crcs.get(i)[0];
                    }
                    // A split file's header holds the CRC of its piece, except in the last volume (whole file).
                    long headerCrc = splitAfter ? pieceCrc : crcs.get(i)[0];
                    sink.out.write(format == Format.RAR4
                            ? rar4FileHeader(entry, piece, headerCrc, !first, splitAfter)
                            : rar5FileHeader(entry, piece, headerCrc, !first, splitAfter));
                    if (pieceCrcSource != null) {
                        sink.out.write(pieceCrcSource);
                    } else {
                        copy(in, sink.out, piece);
                    }
                    remaining -= piece;
                    first = false;
                    if (splitAfter) {
                        sink.next();
                    }
                } while (remaining > 0);
            }
        }
        sink.finish();
        return volumes;
    }

    private final class VolumeSink {
        final Path dir;
        final String baseName;
        final boolean multi;
        final List<Path> volumes;
        CountingOut out;
        long written;
        int index;

        VolumeSink(Path dir, String baseName, boolean multi, List<Path> volumes) {
            this.dir = dir;
            this.baseName = baseName;
            this.multi = multi;
            this.volumes = volumes;
        }

        void start() throws IOException {
            Path file = dir.resolve(volumeName(index));
            volumes.add(file);
            out = new CountingOut(Files.newOutputStream(file), this);
            written = 0;
            out.write(format == Format.RAR4 ? RAR4_MARKER : RAR5_MARKER);
            out.write(format == Format.RAR4 ? rar4MainHeader(multi, index == 0) : rar5MainHeader(multi, index));
        }

        void next() throws IOException {
            out.write(format == Format.RAR4 ? rar4EndHeader(true) : rar5EndHeader(true));
            out.close();
            index++;
            start();
        }

        void finish() throws IOException {
            out.write(format == Format.RAR4 ? rar4EndHeader(false) : rar5EndHeader(false));
            out.close();
            if (!multi) {
                return;
            }
            // Volume names depend on how many there are (part1 vs part01): rename when needed.
            for (int i = 0; i < volumes.size(); i++) {
                Path wanted = dir.resolve(volumeName(i, volumes.size()));
                if (!wanted.equals(volumes.get(i))) {
                    Files.move(volumes.get(i), wanted);
                    volumes.set(i, wanted);
                }
            }
        }

        String volumeName(int i) {
            return volumeName(i, 1);
        }

        String volumeName(int i, int count) {
            if (!multi) {
                return baseName + ".rar";
            }
            if (naming == Naming.OLD) {
                return i == 0 ? baseName + ".rar" : String.format("%s.r%02d", baseName, i - 1);
            }
            int width = Math.max(1, String.valueOf(count).length());
            return String.format("%s.part%0" + width + "d.rar", baseName, i + 1);
        }
    }

    private static final class CountingOut extends java.io.FilterOutputStream {
        private final VolumeSink sink;

        CountingOut(OutputStream out, VolumeSink sink) {
            super(new java.io.BufferedOutputStream(out, 1 << 16));
            this.sink = sink;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            sink.written += len;
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            sink.written++;
        }
    }

    // ---- RAR 4 (RAR 2.9/3.x/4.x format) ----

    private static final byte[] RAR4_MARKER = { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x00 };
    private static final int DOS_TIME = (2024 - 1980) << 25 | 3 << 21 | 15 << 16 | 12 << 11;

    private byte[] rar4MainHeader(boolean volume, boolean firstVolume) {
        int flags = volume ? 0x0001 | (naming == Naming.PARTS ? 0x0010 : 0) | (firstVolume ? 0x0100 : 0) : 0;
        Le h = new Le().u8(0x73).u16(flags).u16(13).u16(0).u32(0);
        return rar4Block(h);
    }

    private byte[] rar4FileHeader(Entry entry, long piece, long crc, boolean splitBefore, boolean splitAfter) {
        byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
        boolean large = piece > 0xFFFFFFFFL || entry.size() > 0xFFFFFFFFL;
        int flags = 0x8000 | (splitBefore ? 0x01 : 0) | (splitAfter ? 0x02 : 0) | (large ? 0x100 : 0)
                | (entry.kind() == Kind.DIRECTORY ? 0xE0 : 0) | (entry.encrypted() ? 0x04 | 0x400 : 0);
        int size = 32 + name.length + (large ? 8 : 0) + (entry.encrypted() ? 8 : 0);
        int attributes = switch (entry.kind()) {
            case DIRECTORY -> 040755;
            case SYMLINK -> 0120777;
            case FILE -> 0100644;
        };
        Le h = new Le().u8(0x74).u16(flags).u16(size).u32(piece).u32(entry.size()).u8(3 /* Unix */).u32(crc)
                .u32(DOS_TIME).u8(29).u8(0x30 /* store */).u16(name.length).u32(attributes);
        if (large) {
            h.u32(piece >>> 32).u32(entry.size() >>> 32);
        }
        h.bytes(name);
        if (entry.encrypted()) {
            h.bytes(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        }
        return rar4Block(h);
    }

    private static byte[] rar4EndHeader(boolean nextVolume) {
        // 0x4000 as WinRAR writes it (readers check the canonical single-archive end block); 0x0001: more volumes.
        return rar4Block(new Le().u8(0x7B).u16(0x4000 | (nextVolume ? 0x0001 : 0)).u16(7));
    }

    /** Prefixes the CRC16 (low half of the CRC32 of everything after it). */
    private static byte[] rar4Block(Le body) {
        byte[] bytes = body.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(bytes);
        return new Le().u16((int) crc.getValue() & 0xFFFF).bytes(bytes).toByteArray();
    }

    // ---- RAR 5 ----

    private static final byte[] RAR5_MARKER = { 0x52, 0x61, 0x72, 0x21, 0x1A, 0x07, 0x01, 0x00 };

    private static byte[] rar5MainHeader(boolean volume, int index) {
        int archiveFlags = volume ? 0x0001 | (index > 0 ? 0x0002 : 0) : 0;
        Le fields = new Le().vint(1).vint(0).vint(archiveFlags);
        if (volume && index > 0) {
            fields.vint(index);
        }
        return rar5Block(fields, null);
    }

    private byte[] rar5FileHeader(Entry entry, long piece, long crc, boolean splitBefore, boolean splitAfter) {
        byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
        Le extra = new Le();
        if (entry.kind() == Kind.SYMLINK) {
            byte[] target = entry.linkTarget().getBytes(StandardCharsets.UTF_8);
            Le record = new Le().vint(5).vint(1 /* Unix symlink */).vint(0).vint(target.length).bytes(target);
            extra.vint(record.size()).bytes(record.toByteArray());
        }
        if (entry.encrypted()) {
            Le record = new Le().vint(1).vint(0 /* AES-256 */).vint(0).u8(15).bytes(new byte[16]).bytes(new byte[16]);
            extra.vint(record.size()).bytes(record.toByteArray());
        }
        // Readers expect a data area on every file header, directories too (with size 0).
        boolean hasData = entry.kind() != Kind.DIRECTORY;
        int headerFlags = (extra.size() > 0 ? 0x0001 : 0) | 0x0002 | (splitBefore ? 0x0008 : 0)
                | (splitAfter ? 0x0010 : 0);
        int fileFlags = (entry.kind() == Kind.DIRECTORY ? 0x0001 : 0) | 0x0002 /* mtime */
                | (hasData ? 0x0004 : 0) /* CRC32 */;
        int attributes = switch (entry.kind()) {
            case DIRECTORY -> 040755;
            case SYMLINK -> 0120777;
            case FILE -> 0100644;
        };
        Le fields = new Le().vint(2).vint(headerFlags);
        if (extra.size() > 0) {
            fields.vint(extra.size());
        }
        fields.vint(hasData ? piece : 0);
        fields.vint(fileFlags).vint(entry.size()).vint(attributes).u32(1710504000L);
        if (hasData) {
            fields.u32(crc);
        }
        fields.vint(0 /* version 0, store, smallest dictionary */).vint(1 /* Unix */).vint(name.length).bytes(name);
        return rar5Block(fields, extra.size() > 0 ? extra.toByteArray() : null);
    }

    private static byte[] rar5EndHeader(boolean notLast) {
        return rar5Block(new Le().vint(5).vint(0).vint(notLast ? 0x0001 : 0), null);
    }

    /** CRC32, header size (vint), then the header from its type field on, and its extra area. */
    private static byte[] rar5Block(Le fields, byte[] extra) {
        Le header = new Le().bytes(fields.toByteArray());
        if (extra != null) {
            header.bytes(extra);
        }
        byte[] body = header.toByteArray();
        byte[] sized = new Le().vint(body.length).bytes(body).toByteArray();
        CRC32 crc = new CRC32();
        crc.update(sized);
        return new Le().u32(crc.getValue()).bytes(sized).toByteArray();
    }

    // ---- helpers ----

    private static long crc(Entry entry) throws IOException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = entry.content().open()) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                crc.update(buffer, 0, n);
            }
        }
        return crc.getValue();
    }

    private static byte[] readExactly(InputStream in, long length) throws IOException {
        if (length > Integer.MAX_VALUE - 16) {
            throw new IOException("a single volume piece larger than 2 GiB is not supported by this fixture");
        }
        byte[] bytes = in.readNBytes((int) length);
        if (bytes.length != length) {
            throw new IOException("content ended early");
        }
        return bytes;
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("content ended early");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    /** Little-endian byte builder with RAR5 variable-length integers. */
    private static final class Le {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Le u8(int v) {
            out.write(v & 0xFF);
            return this;
        }

        Le u16(int v) {
            return u8(v).u8(v >>> 8);
        }

        Le u32(long v) {
            return u16((int) v).u16((int) (v >>> 16));
        }

        Le vint(long v) {
            do {
                int b = (int) (v & 0x7F);
                v >>>= 7;
                out.write(v != 0 ? b | 0x80 : b);
            } while (v != 0);
            return this;
        }

        Le bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        int size() {
            return out.size();
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }
    }

    /** Deterministic pseudo-random bytes (xorshift), cheap enough for gigabytes. */
    public static final class RandomStream extends InputStream {
        private long state;
        private long left;
        private long word;
        private int wordBytes;

        public RandomStream(long seed, long size) {
            this.state = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
            this.left = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left <= 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            for (int i = 0; i < n; i++) {
                if (wordBytes == 0) {
                    state ^= state << 13;
                    state ^= state >>> 7;
                    state ^= state << 17;
                    word = state;
                    wordBytes = 8;
                }
                b[off + i] = (byte) word;
                word >>>= 8;
                wordBytes--;
            }
            left -= n;
            return n;
        }
    }
}
