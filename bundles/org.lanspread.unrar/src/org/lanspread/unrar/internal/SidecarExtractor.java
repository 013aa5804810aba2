package org.lanspread.unrar.internal;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.ExtractionResult;
import org.osgi.service.component.annotations.Component;

/**
 * Extraction by an external tool run as a child process, the first one found of: RARLAB {@code unrar} (when the
 * {@code unrar} on the PATH is RARLAB's; on Debian it is often unrar-free under that name), {@code bsdtar}
 * (libarchive; Debian package libarchive-tools), and {@code unrar-free} (Debian package unrar-free); or the tool
 * that the system property {@value #TOOL_PROPERTY} names. The entries are listed and checked like any other before
 * the tool writes anything (headers read with junrar's parser: bsdtar and unrar-free neither refuse encrypted stored
 * entries nor check CRCs), progress follows the files as they appear in the staging directory in archive order,
 * the tool's exit status and messages are mapped to {@link Reason}s, and every extracted file is verified against
 * its CRC32. bsdtar and unrar-free read a single file, so a volume set is joined into one archive on the fly
 * ({@link VolumeJoiner}): piped to bsdtar's standard input, and through a named pipe to unrar-free.
 */
@Component(service = ArchiveExtractor.class, property = { "service.ranking:Integer=10", "extractor.id=sidecar" })
public class SidecarExtractor extends StagedExtractor {

    /** System property naming the tool to run (a path to RARLAB unrar, bsdtar or unrar-free). */
    public static final String TOOL_PROPERTY = "lanspread.sidecar.tool";
    /** The property's older name (it named a bsdtar); still read. */
    public static final String BSDTAR_PROPERTY = "lanspread.sidecar.bsdtar";
    private static final long POLL_MILLIS = 20;
    /** What each executable, by real path and modification time, was found to be. */
    private static final Map<String, Optional<Kind>> IDENTIFIED = new ConcurrentHashMap<>();

    /** The tools the sidecar can run, in the order it prefers them. */
    enum Kind {
        UNRAR("RARLAB unrar"), BSDTAR("bsdtar"), UNRAR_FREE("unrar-free");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** A tool found: what it is and where. */
    record Tool(Kind kind, Path path) {
        String label() {
            return kind.label + " (" + path + ")";
        }
    }

    @Override
    public String id() {
        return "sidecar";
    }

    @Override
    public boolean available() {
        try {
            return tool() != null;
        } catch (ArchiveException e) {
            return false;
        }
    }

    /**
     * The tool to run: the configured one (an error when it is not a usable extractor), else the first found on the
     * PATH in the order of {@link Kind}; null when there is none.
     */
    static Tool tool() throws ArchiveException {
        String configured = System.getProperty(TOOL_PROPERTY);
        if (configured == null || configured.isBlank()) {
            configured = System.getProperty(BSDTAR_PROPERTY);
        }
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            if (!Files.isExecutable(path)) {
                throw new ArchiveException(Reason.UNSUPPORTED, path, "the sidecar tool set by " + TOOL_PROPERTY
                        + " is not an executable file");
            }
            Kind kind = identify(path);
            if (kind == null) {
                throw new ArchiveException(Reason.UNSUPPORTED, path, "the sidecar tool set by " + TOOL_PROPERTY
                        + " is neither RARLAB unrar, bsdtar nor unrar-free");
            }
            return new Tool(kind, path);
        }
        Path unrar = onPath("unrar");
        Kind unrarKind = unrar == null ? null : identify(unrar);
        if (unrarKind == Kind.UNRAR) {
            return new Tool(Kind.UNRAR, unrar);
        }
        Path bsdtar = onPath("bsdtar");
        if (bsdtar != null) {
            return new Tool(Kind.BSDTAR, bsdtar);
        }
        Path free = onPath("unrar-free");
        if (free != null) {
            return new Tool(Kind.UNRAR_FREE, free);
        }
        return unrarKind == Kind.UNRAR_FREE ? new Tool(Kind.UNRAR_FREE, unrar) : null;
    }

    private static Path onPath(String name) {
        String pathVariable = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : pathVariable.split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * What the executable is: by its real file name when that says it (Debian's {@code unrar} is often a link to
     * unrar-free), else by what it prints when run without arguments. Null when it is none of the three.
     */
    static Kind identify(Path executable) {
        Path real;
        long modified;
        try {
            real = executable.toRealPath();
            modified = Files.getLastModifiedTime(real).toMillis();
        } catch (IOException e) {
            return null;
        }
        return IDENTIFIED.computeIfAbsent(real + "@" + modified, key -> Optional.ofNullable(probe(real)))
                .orElse(null);
    }

    private static Kind probe(Path real) {
        String name = real.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.startsWith("bsdtar")) {
            return Kind.BSDTAR;
        }
        if (name.startsWith("unrar-free")) {
            return Kind.UNRAR_FREE;
        }
        String banner;
        try {
            Process process = new ProcessBuilder(real.toString()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            byte[] out = process.getInputStream().readNBytes(64 * 1024);
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            banner = new String(out, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
        if (banner.contains("unrar-free")) {
            return Kind.UNRAR_FREE;
        }
        if (banner.contains("alexander roshal")) {
            return Kind.UNRAR;
        }
        if (banner.contains("bsdtar")) {
            return Kind.BSDTAR;
        }
        return null;
    }

    private static Tool requireTool(Path archive) throws ArchiveException {
        Tool tool = tool();
        if (tool == null) {
            throw new ArchiveException(Reason.UNSUPPORTED, archive, "the sidecar extractor needs RARLAB unrar, bsdtar"
                    + " or unrar-free on the PATH (Debian: apt-get install libarchive-tools)");
        }
        return tool;
    }

    @Override
    List<EntryInfo> list(Path first) throws ArchiveException {
        requireTool(first);
        try {
            if (RarHeaders.isVolume(first) == null) {
                throw new ArchiveException(Reason.CORRUPT, first, "not a RAR archive");
            }
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, first, e.getMessage(), e);
        }
        // bsdtar and unrar-free neither refuse every encrypted entry nor check stored data, so the headers (read
        // with junrar's parser) decide what is refused, and every extracted file is checked against its CRC32.
        return JunrarExtractor.listHeaders(first);
    }

    @Override
    ExtractionResult extractInto(Path first, Path staging, List<EntryInfo> entries, Progress progress)
            throws ArchiveException {
        Tool tool = requireTool(first);
        boolean volumeSet;
        try {
            volumeSet = Boolean.TRUE.equals(RarHeaders.isVolume(first));
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, first, e.getMessage(), e);
        }
        String into = staging.toString() + File.separator;
        Result result = switch (tool.kind()) {
            // RARLAB unrar reads a volume set itself, from its first volume.
            case UNRAR -> run(tool, List.of(tool.path().toString(), "x", "-o+", "-y", "-p-", "-c-", "-idc", "-idp",
                    first.toString(), into), null, false, progress, staging, entries, first);
            // bsdtar reads one file: a volume set is joined into one archive on the fly and piped to it.
            case BSDTAR -> volumeSet
                    ? run(tool, List.of(tool.path().toString(), "-xvf", "-", "-C", staging.toString()),
                            VolumeJoiner.plan(first), false, progress, staging, entries, first)
                    : run(tool, List.of(tool.path().toString(), "-xvf", first.toString(), "-C", staging.toString()),
                            null, false, progress, staging, entries, first);
            // unrar-free reads one file named *.rar: a volume set is joined into a named pipe.
            case UNRAR_FREE -> volumeSet
                    ? run(tool, List.of(tool.path().toString(), "-x", "-f", NAMED_PIPE, into),
                            VolumeJoiner.plan(first), true, progress, staging, entries, first)
                    : run(tool, List.of(tool.path().toString(), "-x", "-f", first.toString(), into), null, false,
                            progress, staging, entries, first);
        };
        if (result.exit != 0) {
            throw failure(tool, first, result.exit, result.output);
        }
        verifyCrcs(tool, first, staging, entries, progress);
        return new ExtractionResult(progress.entries(), progress.bytes());
    }

    private static void verifyCrcs(Tool tool, Path archive, Path staging, List<EntryInfo> entries,
            Progress progress) throws ArchiveException {
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
                        + "' was not extracted by " + tool.kind().label + ": " + e.getMessage(), e);
            }
            if (crc.getValue() != entry.crc32()) {
                throw new ArchiveException(Reason.CORRUPT, archive, "entry '" + entry.name()
                        + "': CRC mismatch: the data is damaged");
            }
        }
    }

    private record Result(int exit, String output) {
    }

    /** Stands for the named pipe's path in a command; replaced when the pipe is made. */
    private static final String NAMED_PIPE = "\0named-pipe";

    /**
     * Runs the tool with its output going to a log file (read at the end, so a full output pipe cannot block it),
     * feeding it the joined volume set {@code feed} (may be null) through its standard input, or through a named
     * pipe when {@code namedPipe}. Cancellation is checked between input chunks and every {@value #POLL_MILLIS} ms;
     * progress follows the staging directory.
     */
    private static Result run(Tool tool, List<String> command, VolumeJoiner feed, boolean namedPipe,
            Progress progress, Path staging, List<EntryInfo> entries, Path archive) throws ArchiveException {
        Path work;
        try {
            work = Files.createTempDirectory("lanspread-sidecar");
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, archive, "cannot create a work folder: " + e.getMessage(), e);
        }
        Path log = work.resolve("output.log");
        Path pipe = work.resolve("volumes.rar");
        Thread feeder = null;
        Process process = null;
        try {
            if (namedPipe) {
                makeNamedPipe(pipe, archive);
                command = command.stream().map(a -> a.equals(NAMED_PIPE) ? pipe.toString() : a).toList();
            }
            try {
                process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                        .redirectInput(feed != null && !namedPipe ? ProcessBuilder.Redirect.PIPE
                                : ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .start();
            } catch (IOException e) {
                throw new ArchiveException(Reason.IO, archive, "cannot run " + tool.label() + ": " + e.getMessage(),
                        e);
            }
            Watcher watcher = new Watcher(progress, staging, entries);
            if (feed != null) {
                Process running = process;
                feeder = new Thread(() -> feed(feed, namedPipe ? pipe : null, running, progress),
                        "lanspread sidecar feed");
                feeder.setDaemon(true);
                feeder.start();
            }
            while (!process.waitFor(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                watcher.poll();
                if (progress.isCancelledQuietly()) {
                    break;
                }
            }
            if (progress.isCancelledQuietly()) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                progress.checkCancelled();
            }
            String output = Files.readString(log, StandardCharsets.ISO_8859_1);
            if (process.exitValue() == 0) {
                watcher.finish();
            }
            return new Result(process.exitValue(), output);
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, archive, "reading " + tool.label() + "'s output: " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArchiveException(Reason.CANCELLED, archive, "interrupted");
        } finally {
            if (process != null && process.isAlive()) {
                process.destroyForcibly();
            }
            if (feeder != null) {
                release(pipe, namedPipe);
                try {
                    feeder.join(5000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            deleteQuietly(log);
            deleteQuietly(pipe);
            deleteQuietly(work);
        }
    }

    /** Writes the joined volume set to the tool: its standard input, or the named pipe. Stops when cancelled. */
    private static void feed(VolumeJoiner joined, Path pipe, Process process, Progress progress) {
        try (OutputStream out = pipe == null ? process.getOutputStream() : Files.newOutputStream(pipe)) {
            joined.writeTo(new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (progress.isCancelledQuietly()) {
                        throw new IOException("cancelled");
                    }
                    out.write(b, off, len);
                }
            });
        } catch (IOException e) {
            // the tool stopped reading (it failed or was stopped): its exit status and messages say why
        }
    }

    /**
     * Lets a feed that still waits to open the named pipe go on (the tool never opened it, e.g. it failed first):
     * opening the pipe for reading and writing never blocks, and gives the feed the reader it waits for.
     */
    private static void release(Path pipe, boolean namedPipe) {
        if (!namedPipe || !Files.exists(pipe)) {
            return;
        }
        try (var channel = java.nio.channels.FileChannel.open(pipe, java.nio.file.StandardOpenOption.READ,
                java.nio.file.StandardOpenOption.WRITE)) {
            // opened and closed: the feed's open returns, and its next write fails
        } catch (IOException e) {
            // nobody waits
        }
    }

    private static void makeNamedPipe(Path pipe, Path archive) throws ArchiveException {
        try {
            Process mkfifo = new ProcessBuilder("mkfifo", "-m", "600", pipe.toString()).redirectErrorStream(true)
                    .start();
            String out = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (mkfifo.waitFor() != 0) {
                throw new ArchiveException(Reason.IO, archive, "cannot make a named pipe for unrar-free: " + out);
            }
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, archive, "cannot make a named pipe for unrar-free: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArchiveException(Reason.CANCELLED, archive, "interrupted");
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a temp file
        }
    }

    /**
     * Progress from the staging directory: the tools write the entries in archive order, so the entry being written
     * is the first one not yet complete; its file's size is what the tool has written of it. This works whatever a
     * tool prints, and however it buffers its output.
     */
    private static final class Watcher {
        private final Progress progress;
        private final Path staging;
        private final List<EntryInfo> entries;
        private int next;
        private long credited;

        Watcher(Progress progress, Path staging, List<EntryInfo> entries) {
            this.progress = progress;
            this.staging = staging;
            this.entries = entries;
        }

        void poll() {
            while (next < entries.size()) {
                EntryInfo entry = entries.get(next);
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(EntryPaths.resolve(staging, entry.name(), staging),
                            BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (IOException | ArchiveException e) {
                    return; // not there yet (the names were checked before the tool ran)
                }
                if (!entry.isFile() || attributes.size() >= entry.size()) {
                    complete(entry);
                    continue;
                }
                if (attributes.size() > credited) {
                    progress.bytes(attributes.size() - credited);
                    credited = attributes.size();
                }
                return;
            }
        }

        /** The tool succeeded: every entry is complete. */
        void finish() {
            while (next < entries.size()) {
                complete(entries.get(next));
            }
        }

        private void complete(EntryInfo entry) {
            long rest = (entry.isFile() ? entry.size() : 0) - credited;
            if (rest > 0) {
                progress.bytes(rest);
            }
            progress.entryDone();
            credited = 0;
            next++;
        }
    }

    private static ArchiveException failure(Tool tool, Path archive, int exit, String output) {
        String text = output.strip();
        String lower = text.toLowerCase(Locale.ROOT);
        String tail = text.length() > 400 ? "..." + text.substring(text.length() - 400) : text;
        String said = tool.label() + " exited with status " + exit + ": " + tail;
        if (tool.kind() == Kind.UNRAR) { // RARLAB unrar's documented exit codes
            ArchiveException byCode = switch (exit) {
                case 3 -> new ArchiveException(Reason.CORRUPT, archive, "CRC mismatch: the data is damaged: " + said);
                case 11 -> new ArchiveException(Reason.ENCRYPTED, archive, "encrypted archive: " + said);
                case 5, 9 -> new ArchiveException(Reason.IO, archive, "cannot write the files: " + said);
                case 8 -> new ArchiveException(Reason.IO, archive, "not enough memory: " + said);
                default -> null;
            };
            if (byCode != null) {
                return byCode;
            }
        }
        if (lower.contains("encrypt") || lower.contains("password")) {
            return new ArchiveException(Reason.ENCRYPTED, archive, "encrypted archive: " + said);
        }
        if (lower.contains("truncated") || lower.contains("premature end") || lower.contains("unexpected end")) {
            return new ArchiveException(Reason.TRUNCATED, archive, "the archive ends early: " + said);
        }
        if (lower.contains("crc") || lower.contains("checksum")) {
            return new ArchiveException(Reason.CORRUPT, archive, "CRC mismatch: the data is damaged: " + said);
        }
        if (lower.contains("unrecognized archive format") || lower.contains("not a rar")) {
            return new ArchiveException(Reason.CORRUPT, archive, "not a RAR archive: " + said);
        }
        return new ArchiveException(Reason.CORRUPT, archive, said);
    }
}
