package org.lanspread.unrar.internal;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.ExtractionResult;
import org.osgi.service.component.annotations.Component;

import com.github.junrar.Archive;
import com.github.junrar.exception.BadRarArchiveException;
import com.github.junrar.exception.CorruptHeaderException;
import com.github.junrar.exception.CrcErrorException;
import com.github.junrar.exception.InitDeciphererFailedException;
import com.github.junrar.exception.MissingNextVolumeException;
import com.github.junrar.exception.NotRarArchiveException;
import com.github.junrar.exception.RarException;
import com.github.junrar.exception.UnsupportedRarEncryptedException;
import com.github.junrar.exception.UnsupportedRarMethodException;
import com.github.junrar.exception.UnsupportedRarVersionException;
import com.github.junrar.exception.WrongPasswordException;
import com.github.junrar.rarfile.BaseBlock;
import com.github.junrar.rarfile.EndArcHeader;
import com.github.junrar.rarfile.FileHeader;
import com.github.junrar.rarfile.HostSystem;
import com.github.junrar.rarfile.rar5.Rar5RedirType;
import com.github.junrar.rarfile.rar5.Rar5Redirection;
import com.github.junrar.volume.FileVolume;
import com.github.junrar.volume.Volume;

/** Pure-Java extraction with junrar (RAR4 and RAR5, single and multi-volume). */
@Component(service = ArchiveExtractor.class, property = { "service.ranking:Integer=20", "extractor.id=junrar" })
public class JunrarExtractor extends StagedExtractor {

    private static final int UNIX_TYPE_MASK = 0170000;
    private static final int UNIX_SYMLINK = 0120000;
    private static final int EARC_NEXT_VOLUME = 0x0001;

    @Override
    public String id() {
        return "junrar";
    }

    @Override
    List<EntryInfo> list(Path first) throws ArchiveException {
        return listHeaders(first);
    }

    /**
     * Every entry of the volume set, read with junrar's header parser: refuses encrypted headers or entries and a
     * missing volume, and records each file's whole-file CRC (from its last part).
     */
    static List<EntryInfo> listHeaders(Path first) throws ArchiveException {
        List<EntryInfo> entries = new ArrayList<>();
        try (Archive archive = open(first)) {
            if (archive.isEncrypted()) {
                throw new ArchiveException(Reason.ENCRYPTED, first, "the archive's headers are encrypted; "
                        + "LanSpread cannot extract password-protected archives");
            }
            while (true) {
                FileHeader last = null;
                for (FileHeader header : archive.getFileHeaders()) {
                    if (header.isEncrypted()) {
                        throw new ArchiveException(Reason.ENCRYPTED, volumeFile(archive, first),
                                "entry '" + header.getFileName() + "' is encrypted; LanSpread cannot extract it");
                    }
                    long crc = header.getFileCRC() & 0xFFFFFFFFL;
                    if (!header.isSplitBefore()) {
                        entries.add(new EntryInfo(header.getFileName(), header.isDirectory(), linkTarget(archive, header),
                                header.isDirectory() ? 0 : header.getFullUnpackSize(),
                                header.isSplitAfter() ? -1 : crc, header.isSplitAfter()));
                    } else if (!header.isSplitAfter() && !entries.isEmpty()) {
                        // the last part of a split file carries the whole file's CRC
                        entries.set(entries.size() - 1, entries.get(entries.size() - 1).withCrc(crc));
                    }
                    last = header;
                }
                boolean more = last != null && last.isSplitAfter() || endSaysMoreVolumes(archive);
                if (!more) {
                    return entries;
                }
                Volume next = archive.getVolumeManager().nextVolume(archive, archive.getVolume());
                File nextFile = next instanceof FileVolume fv ? fv.getFile() : null;
                if (next == null || nextFile != null && !nextFile.isFile()) {
                    throw new ArchiveException(Reason.MISSING_VOLUME, volumeFile(archive, first),
                            "the next volume " + (nextFile == null ? "" : nextFile.toPath().getFileName() + " ")
                                    + "is missing");
                }
                archive.setVolume(next);
            }
        } catch (RarException | IOException | RuntimeException e) {
            throw translate(e, first, null);
        }
    }

    private static boolean endSaysMoreVolumes(Archive archive) {
        for (BaseBlock block : archive.getHeaders()) {
            if (block instanceof EndArcHeader end && (end.getFlags() & EARC_NEXT_VOLUME) != 0) {
                return true;
            }
        }
        return false;
    }

    /** The target of a symbolic link entry (RAR5 redirection, or a RAR4 Unix entry with the link mode), else null. */
    private static String linkTarget(Archive archive, FileHeader header) throws RarException {
        Rar5Redirection redirection = header.getRedirection();
        if (redirection != null && redirection.getType() != null && redirection.getType() != Rar5RedirType.NONE) {
            return redirection.getTarget();
        }
        if (!header.isRar5Family() && header.getHostOS() == HostSystem.unix
                && (header.getFileAttr() & UNIX_TYPE_MASK) == UNIX_SYMLINK) {
            ByteArrayOutputStream target = new ByteArrayOutputStream();
            archive.extractFile(header, target);
            return target.toString(StandardCharsets.UTF_8);
        }
        return null;
    }

    @Override
    ExtractionResult extractInto(Path first, Path staging, List<EntryInfo> entries, Progress progress)
            throws ArchiveException {
        return walk(first, entries, progress, entry -> {
            Path path = EntryPaths.resolve(staging, entry.name(), first);
            if (entry.directory()) {
                Files.createDirectories(path);
                return null;
            }
            Files.createDirectories(path.getParent());
            if (entry.isLink()) {
                Files.createSymbolicLink(path, Path.of(entry.linkTarget()));
                return null;
            }
            return Files.newOutputStream(path, StandardOpenOption.CREATE_NEW);
        });
    }

    @Override
    public boolean tests() {
        return true;
    }

    @Override
    ExtractionResult testEntries(Path first, List<EntryInfo> entries, Progress progress) throws ArchiveException {
        return walk(first, entries, progress,
                entry -> entry.directory() || entry.isLink() ? null : OutputStream.nullOutputStream());
    }

    /** Where one entry's bytes go: a stream, or null for an entry without content (made by the call itself). */
    @FunctionalInterface
    private interface EntryOutput {
        OutputStream open(EntryInfo entry) throws IOException, ArchiveException;
    }

    /**
     * Reads every file entry of the set in order into {@code output}, checking its CRC: junrar checks each entry, and
     * for a file split across volumes the whole-file CRC computed here is compared with the one of its last part.
     */
    private ExtractionResult walk(Path first, List<EntryInfo> entries, Progress progress, EntryOutput output)
            throws ArchiveException {
        int index = 0;
        String current = null;
        ProgressOutputStream writing = null;
        Archive archive = null;
        try {
            archive = open(first);
            while (true) {
                FileHeader header = archive.nextFileHeader();
                if (header == null) {
                    if (index >= entries.size()) {
                        break;
                    }
                    Volume next = archive.getVolumeManager().nextVolume(archive, archive.getVolume());
                    if (next == null) {
                        throw new ArchiveException(Reason.MISSING_VOLUME, first, "a volume vanished while reading");
                    }
                    archive.setVolume(next);
                    continue;
                }
                if (header.isSplitBefore()) {
                    continue; // a continuation: read together with its first part
                }
                progress.checkCancelled();
                EntryInfo entry = entries.get(index++);
                current = entry.name();
                OutputStream target = output.open(entry);
                if (target != null) {
                    ProgressOutputStream out = new ProgressOutputStream(target, progress);
                    writing = out;
                    try (out) {
                        archive.extractFile(header, out);
                    } catch (CrcErrorException e) {
                        // junrar 8 restarts its CRC at every volume switch, so a file split across volumes always
                        // fails its check. We compute the whole-file CRC ourselves and compare with the last part.
                        if (!entry.split() || entry.crc32() < 0 || out.crc() != entry.crc32()) {
                            throw e;
                        }
                    }
                    if (out.bytes != entry.size()) {
                        throw new ArchiveException(Reason.TRUNCATED, first, "entry '" + current + "': "
                                + out.bytes + " of its " + entry.size() + " bytes are in the archive");
                    }
                }
                progress.entryDone();
            }
            return new ExtractionResult(progress.entries(), progress.bytes());
        } catch (CancelledWrite e) {
            throw e.cause;
        } catch (RarException | IOException | RuntimeException e) {
            progress.checkCancelled(); // junrar may wrap a cancellation raised in our output stream
            if (writing != null && writing.failure != null) { // the disk, not the archive (junrar wraps it too)
                throw new ArchiveException(Reason.IO, first, "cannot write '" + current + "': "
                        + writing.failure.getMessage(), writing.failure);
            }
            // junrar switches volumes itself inside a split entry: name the one it was reading
            throw translate(e, archive == null ? first : volumeFile(archive, first), current);
        } finally {
            if (archive != null) {
                try {
                    archive.close();
                } catch (IOException e) {
                    // read only: nothing to lose
                }
            }
        }
    }

    static Archive open(Path first) throws RarException, IOException {
        return new Archive(first.toFile());
    }

    private static Path volumeFile(Archive archive, Path fallback) {
        return archive.getVolume() instanceof FileVolume fv ? fv.getFile().toPath() : fallback;
    }

    private static ArchiveException translate(Exception e, Path archive, String entry) {
        if (e instanceof ArchiveException ae) {
            return ae;
        }
        if (e instanceof CancelledWrite cw) {
            return cw.cause;
        }
        Throwable cause = e instanceof UncheckedIOException u ? u.getCause() : e;
        String where = entry == null ? "" : "entry '" + entry + "': ";
        if (cause instanceof EOFException
                || cause instanceof RarException && cause.getCause() instanceof EOFException) {
            return new ArchiveException(Reason.TRUNCATED, archive, where + "the archive ends early (truncated)", cause);
        }
        if (cause instanceof CrcErrorException) {
            return new ArchiveException(Reason.CORRUPT, archive, where + "CRC mismatch: the data is damaged", cause);
        }
        if (cause instanceof MissingNextVolumeException) {
            return new ArchiveException(Reason.MISSING_VOLUME, archive, where + "the next volume is missing", cause);
        }
        if (cause instanceof UnsupportedRarEncryptedException || cause instanceof WrongPasswordException
                || cause instanceof InitDeciphererFailedException) {
            return new ArchiveException(Reason.ENCRYPTED, archive, where + "the archive is encrypted", cause);
        }
        if (cause instanceof UnsupportedRarVersionException || cause instanceof UnsupportedRarMethodException) {
            return new ArchiveException(Reason.UNSUPPORTED, archive, where + "not supported by junrar: " + cause, cause);
        }
        if (cause instanceof NotRarArchiveException) {
            return new ArchiveException(Reason.CORRUPT, archive, "not a RAR archive", cause);
        }
        if (cause instanceof CorruptHeaderException || cause instanceof BadRarArchiveException
                || cause instanceof RarException) {
            return new ArchiveException(Reason.CORRUPT, archive, where + "damaged archive (" + cause + ")", cause);
        }
        if (cause instanceof IOException) {
            return new ArchiveException(Reason.IO, archive, where + cause.getMessage(), cause);
        }
        return new ArchiveException(Reason.CORRUPT, archive, where + "damaged archive (" + cause + ")", cause);
    }

    /** Carries a cancellation out of junrar's write path. */
    private static final class CancelledWrite extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient ArchiveException cause;

        CancelledWrite(ArchiveException cause) {
            super(cause.getMessage(), null, false, false);
            this.cause = cause;
        }
    }

    /** Counts bytes for progress, computes the CRC32 and checks for cancellation between buffers. */
    private static final class ProgressOutputStream extends java.io.FilterOutputStream {
        private final Progress progress;
        private final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        private long bytes;
        /** The first write to the disk that failed (e.g. no space left), whatever junrar makes of it. */
        private IOException failure;

        long crc() {
            return crc.getValue();
        }

        ProgressOutputStream(OutputStream out, Progress progress) {
            super(new java.io.BufferedOutputStream(out, 1 << 16));
            this.progress = progress;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                progress.checkCancelled();
            } catch (ArchiveException e) {
                throw new CancelledWrite(e);
            }
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
            crc.update(b, off, len);
            bytes += len;
            progress.bytes(len);
        }

        @Override
        public void close() throws IOException {
            try {
                super.close();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] { (byte) b }, 0, 1);
        }
    }
}
