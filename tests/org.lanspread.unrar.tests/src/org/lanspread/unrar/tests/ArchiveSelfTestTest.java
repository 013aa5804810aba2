package org.lanspread.unrar.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.unrar.tests.Extractors.byId;
import static org.lanspread.unrar.tests.Extractors.listing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lanspread.api.archive.ArchiveEntry;
import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.Cancellation;
import org.lanspread.api.archive.ExtractionListener;
import org.lanspread.api.archive.ExtractionResult;
import org.lanspread.testing.rar.RarWriter;
import org.lanspread.testing.rar.RarWriter.Format;

/** The extractor's test mode: a RAR set is read and checked with its own CRCs, and nothing is written. */
class ArchiveSelfTestTest {

    @TempDir
    Path dir;

    private static RarWriter game(RarWriter writer) throws Exception {
        byte[] data = new RarWriter.RandomStream(7, 300_000).readAllBytes();
        return writer.directory("bin").file("bin/readme.txt", "hello LAN\n").file("data.pak", data)
                .file("zz-last.txt", "the last entry");
    }

    private ArchiveException testFails(Path first) throws Exception {
        Set<String> before = listing(dir);
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> byId("junrar").test(first, ExtractionListener.NONE, Cancellation.NEVER));
        assertEquals(before, listing(dir), "a test writes nothing, also when it fails");
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = { "RAR4:ONE", "RAR5:ONE", "RAR4:PARTS", "RAR4:OLD", "RAR5:PARTS" })
    void aHealthySetPassesAndNothingIsWritten(String variant) throws Exception {
        String[] parts = variant.split(":");
        RarWriter writer = RarWriter.of(Format.valueOf(parts[0]));
        if (!parts[1].equals("ONE")) {
            writer.volumeSize(64 * 1024).naming(RarWriter.Naming.valueOf(parts[1]));
        }
        List<Path> volumes = game(writer).write(dir.resolve("archives"), "game");
        Set<String> before = listing(dir);
        AtomicLong seen = new AtomicLong();

        ExtractionResult result = byId("junrar").test(volumes.get(0), (bytes, total, e, et) -> seen.set(bytes),
                Cancellation.NEVER);

        assertEquals(4, result.entries());
        assertEquals(300_000 + 10 + 14, result.bytes(), "every byte of every file was read");
        assertEquals(result.bytes(), seen.get(), "progress reaches the total");
        assertEquals(before, listing(dir), "nothing written");
    }

    @ParameterizedTest
    @ValueSource(strings = { "RAR4:ONE", "RAR5:ONE", "RAR4:PARTS", "RAR5:PARTS" })
    void entriesListWhatAnInstallHoldsWithTheirCrcs(String variant) throws Exception {
        String[] parts = variant.split(":");
        RarWriter writer = RarWriter.of(Format.valueOf(parts[0]));
        if (!parts[1].equals("ONE")) {
            writer.volumeSize(64 * 1024).naming(RarWriter.Naming.valueOf(parts[1])); // data.pak spans volumes
        }
        List<Path> volumes = game(writer).write(dir.resolve("archives"), "game");
        Set<String> before = listing(dir);

        List<ArchiveEntry> entries = byId("junrar").entries(volumes.get(0));

        assertEquals(List.of("bin", "bin/readme.txt", "data.pak", "zz-last.txt"),
                entries.stream().map(ArchiveEntry::path).toList());
        assertTrue(entries.get(0).directory() && !entries.get(0).isFile());
        ArchiveEntry data = entries.get(2);
        assertEquals(300_000, data.size());
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(new RarWriter.RandomStream(7, 300_000).readAllBytes());
        assertEquals(crc.getValue(), data.crc32(), "the whole file's CRC, also when the file spans volumes");
        assertEquals(before, listing(dir), "nothing written");
    }

    @Test
    void aCompressedArchivePasses() throws Exception {
        Path archive = Extractors.testDocument("test-documents/test-documents.rar",
                Files.createDirectories(dir.resolve("in")));
        ExtractionResult result = byId("junrar").test(archive, ExtractionListener.NONE, Cancellation.NEVER);
        assertTrue(result.entries() > 1 && result.bytes() > 0, result.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = { "RAR4", "RAR5" })
    void damagedDataIsFoundWithSameSize(String format) throws Exception {
        Path good = game(RarWriter.of(Format.valueOf(format))).write(dir.resolve("archives"), "game").get(0);
        byte[] bytes = Files.readAllBytes(good);
        for (int at : new int[] { bytes.length / 3, bytes.length / 2, bytes.length * 2 / 3 }) {
            bytes[at] ^= 0x5A; // 16-byte damage is no different: one changed byte must already fail
        }
        Files.write(good, bytes);
        ArchiveException e = testFails(good);
        assertEquals(Reason.CORRUPT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(good.toString()), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = { "RAR4", "RAR5" })
    void aTruncatedArchiveFails(String format) throws Exception {
        Path good = game(RarWriter.of(Format.valueOf(format))).write(dir.resolve("archives"), "game").get(0);
        byte[] bytes = Files.readAllBytes(good);
        Files.write(good, Arrays.copyOf(bytes, bytes.length * 3 / 4));
        ArchiveException e = testFails(good);
        assertEquals(Reason.TRUNCATED, e.reason(), e.getMessage());
    }

    @Test
    void aTruncatedLastVolumeFails() throws Exception {
        List<Path> volumes = game(RarWriter.rar4().volumeSize(64 * 1024)).write(dir.resolve("archives"), "game");
        Path last = volumes.get(volumes.size() - 1);
        byte[] bytes = Files.readAllBytes(last);
        Files.write(last, Arrays.copyOf(bytes, bytes.length / 2));
        ArchiveException e = testFails(volumes.get(0));
        assertEquals(Reason.TRUNCATED, e.reason(), e.getMessage());
        assertTrue(e.getMessage().startsWith(last + ":"), "names the volume that ends early: " + e.getMessage());
    }

    @Test
    void damageInALaterVolumeOfASplitFileIsFound() throws Exception {
        List<Path> volumes = game(RarWriter.rar4().volumeSize(64 * 1024)).write(dir.resolve("archives"), "game");
        Path third = volumes.get(2);
        byte[] bytes = Files.readAllBytes(third);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(third, bytes);
        assertEquals(Reason.CORRUPT, testFails(volumes.get(0)).reason());
    }

    @Test
    void aMissingVolumeIsNamed() throws Exception {
        List<Path> volumes = game(RarWriter.rar5().volumeSize(64 * 1024)).write(dir.resolve("archives"), "game");
        Files.delete(volumes.get(1));
        ArchiveException e = testFails(volumes.get(0));
        assertEquals(Reason.MISSING_VOLUME, e.reason(), e.getMessage());
    }

    @Test
    void aTestIsCancellable() throws Exception {
        List<Path> volumes = game(RarWriter.rar4().volumeSize(64 * 1024)).write(dir.resolve("archives"), "game");
        AtomicLong progressed = new AtomicLong();
        ArchiveException e = assertThrows(ArchiveException.class, () -> byId("junrar").test(volumes.get(0),
                (bytes, total, en, et) -> progressed.set(bytes), () -> progressed.get() > 100_000));
        assertEquals(Reason.CANCELLED, e.reason());
        assertTrue(progressed.get() < 300_024, "stopped before the end: " + progressed.get());
    }

    @Test
    void theSidecarSaysItCannotTest() throws Exception {
        ArchiveExtractor sidecar = byId("sidecar");
        assertFalse(sidecar.tests());
        assertTrue(byId("junrar").tests());
        Path good = game(RarWriter.rar4()).write(dir.resolve("archives"), "game").get(0);
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> sidecar.test(good, ExtractionListener.NONE, Cancellation.NEVER));
        assertEquals(Reason.UNSUPPORTED, e.reason());
    }
}
