package org.lanspread.unrar.internal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;

import org.lanspread.api.archive.ArchiveEntry;
import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.Cancellation;
import org.lanspread.api.archive.ExtractionListener;
import org.lanspread.api.archive.ExtractionResult;

/**
 * The part of the {@link ArchiveExtractor} contract every implementation shares: list all entries of the set,
 * check every name and link, extract into a staging folder beside the target, move it into place on success
 * and remove it on any failure.
 */
abstract class StagedExtractor implements ArchiveExtractor {

    /** Lists every entry of the volume set starting at {@code firstVolume}, writing nothing. */
    abstract List<EntryInfo> list(Path firstVolume) throws ArchiveException;

    /** Extracts the set into {@code staging} (empty, exists); entries have been checked already. */
    abstract ExtractionResult extractInto(Path firstVolume, Path staging, List<EntryInfo> entries, Progress progress)
            throws ArchiveException;

    /** Reads every entry of the set, checking its CRC, writing nothing; entries have been listed already. */
    ExtractionResult testEntries(Path firstVolume, List<EntryInfo> entries, Progress progress)
            throws ArchiveException {
        throw new ArchiveException(Reason.UNSUPPORTED, firstVolume, id() + " cannot test archives");
    }

    @Override
    public final ExtractionResult test(Path firstVolume, ExtractionListener listener, Cancellation cancellation)
            throws ArchiveException {
        Path first = firstVolume.toAbsolutePath().normalize();
        if (!Files.isRegularFile(first)) {
            throw new ArchiveException(Reason.IO, first, "no such archive file");
        }
        List<EntryInfo> entries = list(first);
        long total = entries.stream().mapToLong(EntryInfo::size).sum();
        return testEntries(first, entries, new Progress(listener, cancellation, total, entries.size(), first));
    }

    @Override
    public final List<ArchiveEntry> entries(Path firstVolume) throws ArchiveException {
        Path first = firstVolume.toAbsolutePath().normalize();
        if (!Files.isRegularFile(first)) {
            throw new ArchiveException(Reason.IO, first, "no such archive file");
        }
        Path root = first.getFileSystem().getPath("/entries").toAbsolutePath(); // names only: nothing is written
        List<ArchiveEntry> listed = new java.util.ArrayList<>();
        for (EntryInfo entry : list(first)) {
            String path = root.relativize(EntryPaths.resolve(root, entry.name(), first)).toString().replace('\\', '/');
            listed.add(new ArchiveEntry(path, entry.directory(), entry.isLink(), entry.directory() ? 0 : entry.size(),
                    entry.crc32()));
        }
        return List.copyOf(listed);
    }

    @Override
    public final ExtractionResult extract(Path firstVolume, Path target, ExtractionListener listener,
            Cancellation cancellation) throws ArchiveException {
        Path first = firstVolume.toAbsolutePath().normalize();
        Path root = target.toAbsolutePath().normalize();
        if (!Files.isRegularFile(first)) {
            throw new ArchiveException(Reason.IO, first, "no such archive file");
        }
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArchiveException(Reason.IO, first, "the target " + root + " already exists");
        }
        if (root.getParent() == null || !Files.isDirectory(root.getParent())) {
            throw new ArchiveException(Reason.IO, first, "the target's parent " + root.getParent() + " is not a directory");
        }
        List<EntryInfo> entries = list(first);
        Path staging = root.resolveSibling("." + root.getFileName() + ".extracting-" + UUID.randomUUID());
        // Check every name against the staging root before anything is written.
        Set<String> seen = new HashSet<>();
        for (EntryInfo entry : entries) {
            Path path = EntryPaths.resolve(staging, entry.name(), first);
            if (entry.isLink()) {
                EntryPaths.checkLink(staging, path, entry.name(), entry.linkTarget(), first);
            }
            if (!seen.add(staging.relativize(path).toString().toLowerCase(Locale.ROOT)) && !entry.directory()) {
                throw new ArchiveException(Reason.UNSAFE_ENTRY, first, "refusing entry '" + entry.name()
                        + "': the archive holds it twice (names differing only in case count as the same)");
            }
        }
        long total = entries.stream().mapToLong(EntryInfo::size).sum();
        Progress progress = new Progress(listener, cancellation, total, entries.size(), first);
        boolean committed = false;
        try {
            Files.createDirectory(staging);
            progress.checkCancelled();
            ExtractionResult result = extractInto(first, staging, entries, progress);
            progress.checkCancelled();
            verifyNoEscapingLinks(staging, first);
            Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
            committed = true;
            return result;
        } catch (IOException e) {
            throw new ArchiveException(Reason.IO, first, "extraction failed: " + e.getMessage(), e);
        } finally {
            if (!committed) {
                deleteTree(staging);
            }
        }
    }

    /** After the fact too: whatever the tool did, no link in the result may point outside it. */
    private static void verifyNoEscapingLinks(Path staging, Path archive) throws IOException, ArchiveException {
        List<Path> links = new java.util.ArrayList<>();
        Files.walkFileTree(staging, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isSymbolicLink()) {
                    links.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        for (Path link : links) {
            EntryPaths.checkLink(staging, link, staging.relativize(link).toString(),
                    Files.readSymbolicLink(link).toString(), archive);
        }
    }

    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            java.util.logging.Logger.getLogger(StagedExtractor.class.getName())
                    .warning("could not remove staging folder " + dir + ": " + e);
        }
    }

    /** Progress reporting and cancellation checks, shared by the implementations. */
    static final class Progress {
        private final ExtractionListener listener;
        private final Cancellation cancellation;
        private final long totalBytes;
        private final int totalEntries;
        private final Path archive;
        private long bytes;
        private int entries;

        Progress(ExtractionListener listener, Cancellation cancellation, long totalBytes, int totalEntries,
                Path archive) {
            this.listener = listener == null ? ExtractionListener.NONE : listener;
            this.cancellation = cancellation == null ? Cancellation.NEVER : cancellation;
            this.totalBytes = totalBytes;
            this.totalEntries = totalEntries;
            this.archive = archive;
        }

        void checkCancelled() throws ArchiveException {
            if (cancellation.isCancelled()) {
                throw new ArchiveException(Reason.CANCELLED, archive, "extraction cancelled");
            }
        }

        boolean isCancelledQuietly() {
            return cancellation.isCancelled();
        }

        void bytes(long n) {
            bytes += n;
            listener.progress(bytes, totalBytes, entries, totalEntries);
        }

        void entryDone() {
            entries++;
            listener.progress(bytes, totalBytes, entries, totalEntries);
        }

        long bytes() {
            return bytes;
        }

        int entries() {
            return entries;
        }
    }
}
