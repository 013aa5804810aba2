package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import org.lanspread.api.library.GameIds;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PartialContent;

/**
 * Decides whether a chunk request may be served and reads it: only games the content source serves, only the
 * requested version, only files listed in the manifest, only ranges inside them, only regular files inside the
 * game folder (no links). Every refusal says why.
 */
final class ChunkServer {

    /**
     * {@code -Dlanspread.serve.verify=false} sends chunks unchecked, as a LanSpread before the check did: for the
     * benchmark that measures what the check costs (bench/suite.py case 2) and for tests that need a peer sending bad
     * data. Read at every request.
     */
    static final String VERIFY = "lanspread.serve.verify";

    private final ContentSource content;

    ChunkServer(ContentSource content) {
        this.content = content;
    }

    /** Thrown with the reason a request is refused. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    GameManifest manifest(String gameId) throws Refused {
        String problem = GameIds.problem(gameId);
        if (problem != null) {
            throw new Refused(problem);
        }
        return content.manifest(gameId).orElseThrow(() -> new Refused("game '" + gameId + "' is not served here"));
    }

    /**
     * Validates {@code request} and reads its bytes into a buffer of {@code allocator} (the caller owns it): a
     * pooled direct buffer is neither zeroed first nor copied again on its way to the QUIC stack, and the file is
     * read straight into it.
     */
    ByteBuf read(ChunkRequest request, ByteBufAllocator allocator) throws Refused, IOException {
        String invalid = GameIds.problem(request.gameId());
        if (invalid != null) {
            throw new Refused(invalid);
        }
        Optional<GameManifest> complete = content.manifest(request.gameId());
        if (complete.isEmpty() || !complete.get().version().equals(request.version())) {
            Optional<PartialContent> partial = content.partial(request.gameId());
            if (partial.isPresent() && partial.get().manifest().version().equals(request.version())) {
                return readPartial(request, partial.get(), allocator);
            }
        }
        GameManifest manifest = manifest(request.gameId());
        if (!manifest.version().equals(request.version())) {
            throw new Refused("game '" + request.gameId() + "' is served in version " + manifest.version() + ", not "
                    + request.version());
        }
        Optional<GameManifest.ManifestFile> listed = manifest.files().stream()
                .filter(f -> f.path().equals(request.path())).findFirst();
        if (listed.isEmpty()) {
            throw new Refused("'" + request.path() + "' is not a file of game '" + request.gameId() + "'");
        }
        GameManifest.ManifestFile file = listed.get();
        if (request.length() <= 0 || request.length() > manifest.chunkSize()) {
            throw new Refused("a chunk is 1 to " + manifest.chunkSize() + " bytes, not " + request.length());
        }
        if (request.offset() < 0 || request.offset() + request.length() > file.size()) {
            throw new Refused("bytes " + request.offset() + "+" + request.length() + " are outside '" + request.path()
                    + "' (" + file.size() + " bytes)");
        }
        Path folder = content.gameFolder(request.gameId())
                .orElseThrow(() -> new Refused("game '" + request.gameId() + "' is not served here"));
        Path resolved = resolve(folder, request.path());
        if (Files.size(resolved) != file.size()) {
            throw new Refused("'" + request.path() + "' changed on disk since its manifest was made");
        }
        return "false".equalsIgnoreCase(System.getProperty(VERIFY)) ? readInto(resolved, request, allocator)
                : verified(request, manifest, file, resolved, allocator);
    }

    /**
     * The request's bytes, read only after the chunks they lie in matched the manifest's SHA-256 (a whole chunk, as
     * downloaders ask, is hashed as read; another range reads the chunks around it). A mismatch is told to the
     * content source and refused: the requester gets an error, never data that differs from the manifest.
     */
    private ByteBuf verified(ChunkRequest request, GameManifest manifest, GameManifest.ManifestFile file, Path path,
            ByteBufAllocator allocator) throws Refused, IOException {
        long chunkSize = manifest.chunkSize();
        int first = (int) (request.offset() / chunkSize);
        int last = (int) ((request.offset() + request.length() - 1) / chunkSize);
        long start = first * chunkSize;
        long end = Math.min(file.size(), (last + 1) * chunkSize);
        ChunkRequest whole = new ChunkRequest(request.gameId(), request.version(), request.path(), start,
                (int) (end - start));
        ByteBuf bytes = readInto(path, whole, allocator);
        try {
            MessageDigest sha256 = sha256();
            for (int chunk = first; chunk <= last; chunk++) {
                int from = (int) ((chunk - first) * chunkSize);
                int length = (int) Math.min(chunkSize, end - start - from);
                sha256.update(bytes.nioBuffer(from, length));
                if (!HexFormat.of().formatHex(sha256.digest()).equals(file.chunks().get(chunk))) {
                    String problem = "chunk " + chunk + " of '" + request.path() + "' no longer matches the manifest "
                            + request.gameId() + " " + request.version() + " was offered with (its data changed on"
                            + " disk): needs repair";
                    content.damaged(request.gameId(), request.version(), request.path(), chunk, problem);
                    throw new Refused(problem + "; not served");
                }
            }
            if (whole.offset() == request.offset() && whole.length() == request.length()) {
                return bytes;
            }
            ByteBuf slice = bytes.retainedSlice((int) (request.offset() - start), request.length());
            bytes.release();
            return slice;
        } catch (Refused | RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * A chunk of a version still being downloaded: whole chunks only (aligned, exact length), and only those verified
     * and journalled.
     */
    private static ByteBuf readPartial(ChunkRequest request, PartialContent partial, ByteBufAllocator allocator)
            throws Refused, IOException {
        GameManifest manifest = partial.manifest();
        int index = -1;
        for (int i = 0; i < manifest.files().size(); i++) {
            if (manifest.files().get(i).path().equals(request.path())) {
                index = i;
                break;
            }
        }
        if (index < 0) {
            throw new Refused("'" + request.path() + "' is not a file of game '" + request.gameId() + "'");
        }
        GameManifest.ManifestFile file = manifest.files().get(index);
        long chunkSize = manifest.chunkSize();
        if (request.offset() < 0 || request.offset() % chunkSize != 0 || request.offset() >= file.size()
                || request.length() != Math.min(chunkSize, file.size() - request.offset())) {
            throw new Refused("game '" + request.gameId() + "' is still being downloaded here: only whole chunks are "
                    + "served, not bytes " + request.offset() + "+" + request.length() + " of '" + request.path() + "'");
        }
        int chunk = (int) (request.offset() / chunkSize);
        if (!partial.holds(index, chunk)) {
            throw new Refused("chunk " + chunk + " of '" + request.path() + "' is not held here yet");
        }
        return readInto(partial.file(index), request, allocator);
    }

    /** The request's bytes of {@code file}, read into a buffer of {@code allocator} (the caller owns it). */
    private static ByteBuf readInto(Path file, ChunkRequest request, ByteBufAllocator allocator)
            throws Refused, IOException {
        ByteBuf bytes = allocator.directBuffer(request.length(), request.length());
        try (FileChannel channel = open(file, request.path())) {
            while (bytes.isWritable()) {
                if (bytes.writeBytes(channel, request.offset() + bytes.writerIndex(), bytes.writableBytes()) < 0) {
                    throw new Refused("'" + request.path() + "' ended early");
                }
            }
            return bytes;
        } catch (Refused | IOException | RuntimeException e) {
            bytes.release();
            throw e;
        }
    }

    /** Opens a served file to read, naming a permission problem as such. */
    private static FileChannel open(Path file, String path) throws Refused, IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Refused("'" + path + "' cannot be read on the serving peer: permission denied");
        }
    }

    /** {@code path} below {@code folder}: no absolute paths, no "..", no links, a regular file inside the folder. */
    static Path resolve(Path folder, String path) throws Refused, IOException {
        String normalized = path.replace('\\', '/');
        if (normalized.isEmpty() || normalized.startsWith("/") || normalized.matches("^[A-Za-z]:.*")
                || normalized.indexOf('\0') >= 0) {
            throw new Refused("'" + path + "' is not a relative path");
        }
        for (String segment : normalized.split("/")) {
            if (segment.equals("..") || segment.equals(".") || segment.isEmpty()) {
                throw new Refused("'" + path + "' is not a plain relative path");
            }
        }
        Path root;
        try {
            root = folder.toRealPath();
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Refused("the game folder cannot be read on the serving peer: permission denied");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Refused("the game folder is gone from the serving peer");
        }
        Path resolved = root.resolve(normalized);
        java.nio.file.attribute.BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(resolved, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new Refused("'" + path + "' cannot be read on the serving peer: permission denied");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new Refused("'" + path + "' is gone from the serving peer");
        }
        if (!attributes.isRegularFile()) {
            throw new Refused("'" + path + "' is not a regular file");
        }
        if (!resolved.getParent().toRealPath().startsWith(root)) {
            throw new Refused("'" + path + "' leaves the game folder");
        }
        return resolved;
    }
}
