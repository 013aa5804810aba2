package org.lanspread.peer.internal.repair;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import java.util.zip.CRC32;

import org.lanspread.api.archive.ArchiveEntry;

/**
 * Checks an installed tree (local/) against the entries of the archives it was unpacked from: every file there with its
 * size and CRC32, every directory and link present. Files the archives do not hold (saves, configs the game wrote) are
 * listed as added, never counted as damage and never touched.
 */
public final class InstallCheck {

    /** Names in local/ that LanSpread itself writes (the install marker): neither expected nor added. */
    private final List<String> own;

    /** @param own names at the top of local/ that LanSpread writes itself */
    public InstallCheck(List<String> own) {
        this.own = List.copyOf(own);
    }

    /**
     * What differs.
     *
     * @param missing   entries the install lacks (or holds as another kind, e.g. a directory for a file)
     * @param changed   files whose size or CRC32 differ from their entries
     * @param added     files the archives do not hold (kept)
     * @param bytesRead bytes of installed files read to compute CRCs
     */
    public record Result(List<String> missing, List<String> changed, List<String> added, long bytesRead) {
        public Result {
            missing = List.copyOf(missing);
            changed = List.copyOf(changed);
            added = List.copyOf(added);
        }

        /** Whether the install holds everything its archives do, unchanged. */
        public boolean intact() {
            return missing.isEmpty() && changed.isEmpty();
        }

        /** E.g. "1 file missing (bin/readme.txt), 1 changed (data.pak); 1 added by the game, kept (save/slot1)". */
        public String describe() {
            List<String> parts = new ArrayList<>();
            if (!missing.isEmpty()) {
                parts.add(missing.size() + " missing (" + some(missing) + ")");
            }
            if (!changed.isEmpty()) {
                parts.add(changed.size() + " changed (" + some(changed) + ")");
            }
            String text = parts.isEmpty() ? "every file matches its archive entry" : String.join(", ", parts);
            return added.isEmpty() ? text : text + "; " + added.size() + " added by the game, kept (" + some(added) + ")";
        }

        private static String some(List<String> paths) {
            return paths.size() <= 5 ? String.join(", ", paths)
                    : String.join(", ", paths.subList(0, 5)) + ", and " + (paths.size() - 5) + " more";
        }
    }

    /** The sum of the file entries' sizes: what checking reads at most. */
    public static long bytes(List<ArchiveEntry> entries) {
        return entries.stream().filter(ArchiveEntry::isFile).mapToLong(ArchiveEntry::size).sum();
    }

    /**
     * @param entries  every entry of every archive set of the install (their union is what local/ holds)
     * @param progress told the bytes read so far
     * @throws InterruptedException when {@code cancelled} says so (checked between files and every 4 MiB)
     */
    public Result check(Path local, List<ArchiveEntry> entries, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        Map<String, ArchiveEntry> expected = new TreeMap<>();
        for (ArchiveEntry entry : entries) {
            expected.put(entry.path(), entry);
        }
        List<String> missing = new ArrayList<>();
        List<String> changed = new ArrayList<>();
        long[] read = { 0 };
        byte[] buffer = new byte[1 << 20];
        for (ArchiveEntry entry : expected.values()) {
            if (cancelled.getAsBoolean()) {
                throw new InterruptedException("verify cancelled");
            }
            Path path = local.resolve(entry.path());
            BasicFileAttributes attributes;
            try {
                attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            } catch (NoSuchFileException e) {
                missing.add(entry.path());
                continue;
            }
            if (entry.directory() ? !attributes.isDirectory()
                    : entry.link() ? !attributes.isSymbolicLink() : !attributes.isRegularFile()) {
                missing.add(entry.path());
            } else if (entry.isFile() && (attributes.size() != entry.size()
                    || entry.crc32() >= 0 && crc32(path, buffer, read, progress, cancelled) != entry.crc32())) {
                changed.add(entry.path());
            }
        }
        List<String> added = new ArrayList<>();
        Files.walkFileTree(local, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                String name = local.relativize(file).toString().replace('\\', '/');
                if (!expected.containsKey(name) && !own.contains(name)) {
                    added.add(name);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        added.sort(null);
        return new Result(missing, changed, added, read[0]);
    }

    private static long crc32(Path file, byte[] buffer, long[] read, LongConsumer progress, BooleanSupplier cancelled)
            throws IOException, InterruptedException {
        CRC32 crc = new CRC32();
        try (InputStream in = Files.newInputStream(file)) {
            long sinceCheck = 0;
            for (int n; (n = in.read(buffer)) > 0;) {
                crc.update(buffer, 0, n);
                read[0] += n;
                sinceCheck += n;
                if (sinceCheck >= 4 << 20) {
                    sinceCheck = 0;
                    progress.accept(read[0]);
                    if (cancelled.getAsBoolean()) {
                        throw new InterruptedException("verify cancelled");
                    }
                }
            }
        }
        progress.accept(read[0]);
        return crc.getValue();
    }
}
