package org.lanspread.unrar.internal;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.ExtractionResult;
import org.osgi.service.component.annotations.Component;

/**
 * Extraction by an external tool run as a child process: {@code bsdtar} (libarchive; Debian package
 * libarchive-tools), which decodes RAR4 and RAR5. The entries are listed and checked like any other before it
 * writes anything (headers read with junrar's parser: bsdtar neither refuses encrypted stored entries nor checks
 * CRCs), its verbose output drives progress, its exit status and messages are mapped to {@link Reason}s, and
 * every extracted file is verified against its CRC32. bsdtar reads a single file, so a volume set is joined into
 * one archive on the fly ({@link VolumeJoiner}) and piped to it.
 */
@Component(service = ArchiveExtractor.class, property = { "service.ranking:Integer=10", "extractor.id=sidecar" })
public class SidecarExtractor extends StagedExtractor {

    /** System property naming the tool's path, to use another bsdtar than the one on the PATH. */
    public static final String TOOL_PROPERTY = "lanspread.sidecar.bsdtar";
    private static final long POLL_MILLIS = 20;
    @Override
    public String id() {
        return "sidecar";
    }

    @Override
    public boolean available() {
        return tool() != null;
    }

    static Path tool() {
        String configured = System.getProperty(TOOL_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Files.isExecutable(path) ? path : null;
        }
        String pathVariable = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, "bsdtar");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    private static Path requireTool(Path archive) throws ArchiveException {
        Path tool = tool();
        if (tool == null) {
            throw new ArchiveException(Reason.UNSUPPORTED, archive,
                    "the sidecar extractor needs bsdtar on the PATH (Debian: apt-get install libarchive-tools)");
        }
        return tool;
    }

    @Override
    List<EntryInfo> list(Path first) throws ArchiveException {
        Path tool = requireTool(first);
        try {
            if (RarHeaders.isVolume(first) == null) {
                throw new ArchiveException(Reason.CORRUPT, first, "not a RAR archive");
            }
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, first, e.getMessage(), e);
        }
        // bsdtar neither refuses every encrypted entry nor checks stored data, so the headers (read with
        // junrar's parser) decide what is refused, and every extracted file is checked against its CRC32.
        return JunrarExtractor.listHeaders(first);
    }

    @Override
    ExtractionResult extractInto(Path first, Path staging, List<EntryInfo> entries, Progress progress)
            throws ArchiveException {
        Path tool = requireTool(first);
        Map<String, EntryInfo> byName = new HashMap<>();
        entries.forEach(e -> byName.put(stripSlash(e.name()), e));
        boolean volumeSet;
        try {
            volumeSet = Boolean.TRUE.equals(RarHeaders.isVolume(first));
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, first, e.getMessage(), e);
        }
        // bsdtar reads one file: a volume set is joined into one archive on the fly and piped to it.
        VolumeJoiner joined = volumeSet ? VolumeJoiner.plan(first) : null;
        String input = joined == null ? first.toString() : "-";
        Result result = run(List.of(tool.toString(), "-xvf", input, "-C", staging.toString()), joined, progress,
                staging, byName, first);
        if (result.exit != 0) {
            throw failure(first, result.output);
        }
        verifyCrcs(first, staging, entries, progress);
        return new ExtractionResult(progress.entries(), progress.bytes());
    }

    private static void verifyCrcs(Path archive, Path staging, List<EntryInfo> entries, Progress progress)
            throws ArchiveException {
        byte[] buffer = new byte[1 << 16];
        for (EntryInfo entry : entries) {
            if (!entry.isFile() || entry.crc32() < 0) {
                continue;
            }
            progress.checkCancelled();
            Path file = EntryPaths.resolve(staging, entry.name(), archive);
            java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            try (InputStream in = Files.newInputStream(file)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    crc.update(buffer, 0, n);
                }
            } catch (IOException e) {
                throw new ArchiveException(Reason.CORRUPT, archive, "entry '" + entry.name()
                        + "' was not extracted by bsdtar: " + e.getMessage(), e);
            }
            if (crc.getValue() != entry.crc32()) {
                throw new ArchiveException(Reason.CORRUPT, archive, "entry '" + entry.name()
                        + "': CRC mismatch: the data is damaged");
            }
        }
    }

    private static String stripSlash(String name) {
        return name.endsWith("/") ? name.substring(0, name.length() - 1) : name;
    }

    private record Result(int exit, String output) {
    }

    /**
     * Runs the tool with its output going to a log file that is read as it grows, so that feeding its standard
     * input ({@code stdin}, may be null) cannot deadlock against a full output pipe. Cancellation is checked
     * between input chunks and every {@value #POLL_MILLIS} ms. With {@code progress}, lines "x name" mark an entry
     * starting; the previous one is then complete.
     */
    private static Result run(List<String> command, VolumeJoiner stdin, Progress progress, Path staging,
            Map<String, EntryInfo> entries, Path archive) throws ArchiveException {
        Path log;
        try {
            log = Files.createTempFile("lanspread-sidecar", ".log");
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, archive, "cannot create a log file: " + e.getMessage(), e);
        }
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            deleteQuietly(log);
            throw new ArchiveException(Reason.IO, archive, "cannot run " + command.get(0) + ": " + e.getMessage(), e);
        }
        Tail tail = new Tail(log, progress, staging, entries);
        try {
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    stdin.writeTo(new java.io.FilterOutputStream(in) {
                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            if (progress != null && progress.isCancelledQuietly()) {
                                throw new CancelledFeed();
                            }
                            out.write(b, off, len);
                            tail.poll();
                        }
                    });
                }
            } catch (CancelledFeed e) {
                // handled below: the process is killed
            } catch (IOException e) {
                // bsdtar stopped reading (it failed): its exit status and messages say why
            }
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                tail.poll();
                if (progress != null && progress.isCancelledQuietly()) {
                    break;
                }
            }
            if (progress != null && progress.isCancelledQuietly()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                progress.checkCancelled();
            }
            tail.poll();
            tail.finish();
            return new Result(process.exitValue(), tail.text());
        } catch (IOException e) {
            process.destroyForcibly();
            throw new ArchiveException(Reason.IO, archive, "reading " + command.get(0) + "'s output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ArchiveException(Reason.CANCELLED, archive, "interrupted");
        } finally {
            deleteQuietly(log);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    /** Thrown out of the input feed when cancelled. */
    private static final class CancelledFeed extends IOException {
        private static final long serialVersionUID = 1L;
    }

    /** Follows the tool's log file: collects its text and turns "x name" lines into progress. */
    private static final class Tail {
        private final Path log;
        private final Progress progress;
        private final Path staging;
        private final Map<String, EntryInfo> entries;
        private final ByteArrayOutputStream all = new ByteArrayOutputStream();
        private final StringBuilder line = new StringBuilder();
        private final EntryInfo[] current = { null };
        private final long[] credited = { 0 };
        private long read;

        Tail(Path log, Progress progress, Path staging, Map<String, EntryInfo> entries) {
            this.log = log;
            this.progress = progress;
            this.staging = staging;
            this.entries = entries;
        }

        void poll() throws IOException {
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(log)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(8192);
                int n;
                while ((n = channel.read(buffer, read)) > 0) {
                    read += n;
                    all.write(buffer.array(), 0, n);
                    for (int i = 0; i < n; i++) {
                        char c = (char) (buffer.get(i) & 0xFF);
                        if (c == '\n') {
                            onLine(line.toString(), progress, entries, current, credited);
                            line.setLength(0);
                        } else {
                            line.append(c);
                        }
                    }
                    buffer.clear();
                }
            }
            if (progress != null && current[0] != null && current[0].isFile() && staging != null) {
                // Smooth progress inside a large entry: what the tool has written so far.
                try {
                    long size = Files.size(staging.resolve(current[0].name()));
                    if (size > credited[0]) {
                        progress.bytes(size - credited[0]);
                        credited[0] = size;
                    }
                } catch (IOException e) {
                    // not created yet
                }
            }
        }

        void finish() {
            finishEntry(progress, current, credited);
        }

        String text() {
            return all.toString(StandardCharsets.UTF_8);
        }
    }

    private static void onLine(String text, Progress progress, Map<String, EntryInfo> entries, EntryInfo[] current,
            long[] credited) {
        if (progress == null || !text.startsWith("x ")) {
            return;
        }
        finishEntry(progress, current, credited);
        current[0] = entries.get(stripSlash(text.substring(2)));
        credited[0] = 0;
    }

    private static void finishEntry(Progress progress, EntryInfo[] current, long[] credited) {
        if (progress == null || current[0] == null) {
            return;
        }
        long rest = current[0].size() - credited[0];
        if (rest > 0) {
            progress.bytes(rest);
        }
        progress.entryDone();
        current[0] = null;
    }

    private static ArchiveException failure(Path archive, String output) {
        String text = output.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        String tail = text.length() > 400 ? "..." + text.substring(text.length() - 400) : text;
        if (lower.contains("encrypt") || lower.contains("password")) {
            return new ArchiveException(Reason.ENCRYPTED, archive, "encrypted archive: " + tail);
        }
        if (lower.contains("truncated") || lower.contains("premature end") || lower.contains("unexpected end")) {
            return new ArchiveException(Reason.TRUNCATED, archive, "the archive ends early: " + tail);
        }
        if (lower.contains("crc") || lower.contains("checksum")) {
            return new ArchiveException(Reason.CORRUPT, archive, "CRC mismatch: the data is damaged: " + tail);
        }
        if (lower.contains("unrecognized archive format") || lower.contains("not a rar")) {
            return new ArchiveException(Reason.CORRUPT, archive, "not a RAR archive: " + tail);
        }
        return new ArchiveException(Reason.CORRUPT, archive, "bsdtar failed: " + tail);
    }
}
