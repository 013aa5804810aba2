package org.lanspread.library.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.IntStream;

/** SHA-256 of each fixed-size chunk of a file. Chunks are hashed in parallel (positional reads). */
public final class ChunkHasher {

    private static final int READ_SIZE = 1 << 20;

    private ChunkHasher() {
    }

    public static List<String> hashChunks(Path file, int chunkSize) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = channel.size();
            int chunks = (int) Math.max(1, (size + chunkSize - 1) / chunkSize);
            if (size == 0) {
                return List.of(hex(digest().digest()));
            }
            try {
                return IntStream.range(0, chunks).parallel()
                        .mapToObj(i -> hashRange(channel, (long) i * chunkSize, Math.min(chunkSize, size - (long) i * chunkSize)))
                        .toList();
            } catch (UncheckedIOException e) {
                throw new IOException(file + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }

    static String hashRange(FileChannel channel, long offset, long length) {
        MessageDigest digest = digest();
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(READ_SIZE, length));
        long position = offset;
        long end = offset + length;
        try {
            while (position < end) {
                buffer.clear().limit((int) Math.min(buffer.capacity(), end - position));
                int read = channel.read(buffer, position);
                if (read < 0) {
                    throw new IOException("file shrank while hashing (at byte " + position + ")");
                }
                digest.update(buffer.array(), 0, read);
                position += read;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return hex(digest.digest());
    }

    static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
