package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.lanspread.api.library.GameManifest;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A download in progress, inside the game folder: {@value #DIR}/ holds the manifest being fetched, the files being
 * written in place, and a journal of verified chunks (one line per chunk, appended after the chunk's bytes are
 * written), so that a download stopped in any way resumes without fetching verified chunks again. Completing it
 * moves the files into the game folder, version.ini last, so the game is never seen as downloaded before it is whole.
 */
final class DownloadStaging {

    static final String DIR = ".lanspread-download";
    static final String VERSION_INI = "version.ini";
    private static final String MANIFEST = "manifest.json";
    private static final String JOURNAL = "journal";
    private static final String COMMITTING = "COMMITTING";
    private static final String FILES = "files";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path gameFolder;
    private final Path dir;
    private final GameManifest manifest;
    private FileChannel journal;

    private DownloadStaging(Path gameFolder, GameManifest manifest) {
        this.gameFolder = gameFolder;
        this.dir = gameFolder.resolve(DIR);
        this.manifest = manifest;
    }

    static Path dir(Path gameFolder) {
        return gameFolder.resolve(DIR);
    }

    /**
     * Opens the staging area for {@code manifest}: resumes the one there when it is for the same version and files,
     * else starts over (a stale one for another version is removed).
     */
    static DownloadStaging open(Path gameFolder, GameManifest manifest) throws IOException {
        DownloadStaging staging = new DownloadStaging(gameFolder, manifest);
        GameManifest existing = staging.readManifest();
        if (existing != null && !existing.equals(manifest)) {
            Trees.delete(staging.dir);
        }
        Files.createDirectories(staging.dir.resolve(FILES));
        if (existing == null || !existing.equals(manifest)) {
            Path tmp = staging.dir.resolve(MANIFEST + ".tmp");
            Files.write(tmp, JSON.writeValueAsBytes(manifest));
            Files.move(tmp, staging.dir.resolve(MANIFEST), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        dropTornTail(staging.dir.resolve(JOURNAL));
        staging.journal = FileChannel.open(staging.dir.resolve(JOURNAL), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        return staging;
    }

    /**
     * Starts a repair of the complete download in {@code gameFolder}: its files move into the staging area (renames,
     * version.ini first, so from the first move the game is a paused download of its version, never a complete one
     * with a file missing), and each moved file's chunks, except the {@code damaged} ones, are journalled as verified
     * right after its move. What is left to fetch is the damaged chunks; a crash at any point leaves a download that
     * resumes (at worst fetching a moved file whose lines were not written yet). Files missing or of another size are
     * left where they are and fetched whole; the commit replaces them.
     *
     * @param damaged chunk indexes per file path; a file mapped to null is damaged as a whole
     */
    static void seed(Path gameFolder, GameManifest manifest, java.util.Map<String, BitSet> damaged)
            throws IOException {
        DownloadStaging staging = open(gameFolder, manifest);
        try {
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < manifest.files().size(); i++) {
                order.add(manifest.files().get(i).path().equals(VERSION_INI) ? 0 : order.size(), i);
            }
            for (int index : order) {
                GameManifest.ManifestFile file = manifest.files().get(index);
                Path from = gameFolder.resolve(file.path());
                boolean whole = damaged.containsKey(file.path()) && damaged.get(file.path()) == null
                        || !Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS) || Files.size(from) != file.size();
                if (file.path().equals(VERSION_INI) && Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
                    // always moved: the folder must not look like a complete download while its files are staged
                    Files.move(from, staging.file(index), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                } else if (!whole) {
                    Files.move(from, staging.file(index), StandardCopyOption.REPLACE_EXISTING,
                            StandardCopyOption.ATOMIC_MOVE);
                }
                if (whole) {
                    continue; // fetched whole
                }
                BitSet bad = damaged.getOrDefault(file.path(), new BitSet());
                StringBuilder lines = new StringBuilder();
                for (int chunk = 0; chunk < file.chunks().size(); chunk++) {
                    if (!bad.get(chunk)) {
                        lines.append(index).append(' ').append(chunk).append('\n');
                    }
                }
                staging.journal.write(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII)));
                staging.journal.force(false);
            }
        } finally {
            staging.closeJournal();
        }
    }

    /**
     * Cuts a journal after its last complete line: a line torn by a crash would otherwise be glued to the next one
     * appended ("1" + "2 3" reads as chunk 3 of file 12). The chunk of the torn line is fetched again.
     */
    private static void dropTornTail(Path journal) throws IOException {
        if (!Files.exists(journal)) {
            return;
        }
        byte[] bytes = Files.readAllBytes(journal);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        if (end < bytes.length) {
            try (FileChannel channel = FileChannel.open(journal, StandardOpenOption.WRITE)) {
                channel.truncate(end);
                channel.force(false);
            }
        }
    }

    /** The manifest of the download staged in {@code gameFolder}, or null when there is none (or it is unreadable). */
    static GameManifest stagedManifest(Path gameFolder) {
        return new DownloadStaging(gameFolder, null).readManifest();
    }

    private GameManifest readManifest() {
        try {
            return JSON.readValue(Files.readAllBytes(dir.resolve(MANIFEST)), GameManifest.class);
        } catch (IOException e) {
            return null; // none, or torn: start over
        }
    }

    /** The chunks the journal records as verified and written, per file. */
    List<BitSet> verified() throws IOException {
        List<BitSet> done = new ArrayList<>();
        manifest.files().forEach(f -> done.add(new BitSet(f.chunks().size())));
        Path journalFile = dir.resolve(JOURNAL);
        if (!Files.exists(journalFile)) {
            return done;
        }
        String text = Files.readString(journalFile, StandardCharsets.US_ASCII);
        String[] lines = text.split("\n", -1);
        // The last element is "" after a complete last line, else a torn line (the process died while appending):
        // that chunk is fetched again.
        for (int l = 0; l < lines.length - 1; l++) {
            String[] parts = lines[l].strip().split(" ");
            if (parts.length != 2) {
                continue;
            }
            int file = index(parts[0]);
            int chunk = index(parts[1]);
            if (file < 0 || chunk < 0 || file >= done.size() || chunk >= manifest.files().get(file).chunks().size()) {
                continue; // not a line this journal writes: ignored, the chunk is fetched again
            }
            Path path = file(file);
            if (Files.exists(path) && Files.size(path) == manifest.files().get(file).size()) {
                done.get(file).set(chunk);
            }
        }
        return done;
    }

    /** A journal line's number: digits only, at most 9 of them; else -1. */
    private static int index(String text) {
        if (text.isEmpty() || text.length() > 9 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Integer.parseInt(text);
    }

    /** Where file {@code index} of the manifest is written while downloading. */
    Path file(int index) {
        return dir.resolve(FILES).resolve(manifest.files().get(index).path());
    }

    /** Creates each file at its full size (sparse), keeping files already there at the right size. */
    void allocate() throws IOException {
        for (int i = 0; i < manifest.files().size(); i++) {
            Path path = file(i);
            long size = manifest.files().get(i).size();
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                if (channel.size() != size) {
                    channel.truncate(Math.min(channel.size(), size));
                    if (size > 0) {
                        channel.write(ByteBuffer.allocate(1), size - 1);
                    }
                }
            }
        }
    }

    /** Writes a verified chunk in place, then records it in the journal. */
    void write(org.lanspread.peer.internal.swarm.ChunkPicker.Chunk chunk, ByteBuffer bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file(chunk.file()), StandardOpenOption.WRITE)) {
            long position = chunk.offset();
            while (bytes.hasRemaining()) {
                position += channel.write(bytes, position);
            }
        }
        synchronized (this) {
            journal.write(ByteBuffer.wrap((chunk.file() + " " + chunk.index() + "\n").getBytes(StandardCharsets.US_ASCII)));
        }
    }

    void closeJournal() {
        try {
            if (journal != null) {
                journal.close();
            }
        } catch (IOException e) {
            // nothing was lost: every line was written before its chunk counted
        }
    }

    /** Moves the complete download into the game folder (version.ini last) and removes the staging area. */
    void commit() throws IOException {
        closeJournal();
        Files.writeString(dir.resolve(COMMITTING), manifest.version());
        finishCommit(gameFolder, manifest);
    }

    /**
     * Completes a commit (again): idempotent, so that recovery can roll a commit that a crash interrupted forward.
     * The old download's files (a previous version) are removed first, version.ini first of all, so a half-replaced
     * download is never seen as complete.
     */
    static void finishCommit(Path gameFolder, GameManifest manifest) throws IOException {
        Path dir = gameFolder.resolve(DIR);
        Path files = dir.resolve(FILES);
        Set<String> wanted = new HashSet<>();
        manifest.files().forEach(f -> wanted.add(f.path()));
        if (Files.exists(files.resolve(VERSION_INI))) { // not moved yet: the old download is being replaced
            Files.deleteIfExists(gameFolder.resolve(VERSION_INI));
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(gameFolder)) {
                for (Path entry : entries) {
                    String name = entry.getFileName().toString();
                    if (!name.startsWith(".") && !wanted.contains(name)
                            && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                        Files.delete(entry); // a file of the previous version's download
                    }
                }
            }
        }
        for (GameManifest.ManifestFile file : manifest.files()) {
            if (!file.path().equals(VERSION_INI)) {
                moveIfThere(files.resolve(file.path()), gameFolder.resolve(file.path()));
            }
        }
        moveIfThere(files.resolve(VERSION_INI), gameFolder.resolve(VERSION_INI));
        Trees.delete(dir);
    }

    private static void moveIfThere(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            if (!Files.exists(to)) {
                throw e;
            }
            // moved before a crash
        }
    }

    /** Whether a commit was interrupted (recovery rolls it forward). */
    static boolean commitInterrupted(Path gameFolder) {
        return Files.exists(gameFolder.resolve(DIR).resolve(COMMITTING));
    }
}
