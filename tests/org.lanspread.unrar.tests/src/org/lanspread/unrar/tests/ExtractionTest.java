package org.lanspread.unrar.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.unrar.tests.Extractors.byId;
import static org.lanspread.unrar.tests.Extractors.listing;
import static org.lanspread.unrar.tests.Extractors.sha256;
import static org.lanspread.unrar.tests.Extractors.tree;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.Cancellation;
import org.lanspread.api.archive.ExtractionListener;
import org.lanspread.api.archive.ExtractionResult;
import org.lanspread.testing.rar.RarWriter;
import org.lanspread.testing.rar.RarWriter.Format;

class ExtractionTest {

    @TempDir
    Path dir;

    @AfterEach
    void defaultSidecarTool() {
        Extractors.resetTool();
    }

    /** Writes a small game: a directory, a text file and 300 kB of random data. Returns expected tree. */
    private Map<String, String> game(RarWriter writer) throws Exception {
        byte[] data = new RarWriter.RandomStream(42, 300_000).readAllBytes();
        writer.directory("bin").file("bin/readme.txt", "hello LAN\n").file("data.pak", data);
        Map<String, String> expected = new TreeMap<>();
        expected.put("bin", "dir");
        expected.put("bin/readme.txt", sha256("hello LAN\n".getBytes()));
        expected.put("data.pak", sha256(data));
        return expected;
    }

    private void assertNothingLeft(Path target, Set<String> before) throws Exception {
        assertFalse(Files.exists(target), "the target must not exist after a failure");
        assertEquals(before, listing(dir), "nothing else may appear next to the target either");
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar:RAR4", "junrar:RAR5", "sidecar:RAR4", "sidecar:RAR5",
            "sidecar/unrar-free:RAR4", "sidecar/unrar-free:RAR5" })
    void extractsStoredArchivesByteForByte(String variant) throws Exception {
        String[] parts = variant.split(":");
        RarWriter writer = RarWriter.of(Format.valueOf(parts[1]));
        Map<String, String> expected = game(writer);
        Path archive = writer.write(dir.resolve("archives"), "game").get(0);
        List<long[]> progress = new ArrayList<>();
        ExtractionListener listener = (bytes, total, entries, entriesTotal) -> progress
                .add(new long[] { bytes, total, entries, entriesTotal });

        ExtractionResult result = byId(parts[0]).extract(archive, dir.resolve("local"), listener, Cancellation.NEVER);

        assertEquals(expected, tree(dir.resolve("local")));
        assertEquals(3, result.entries());
        assertEquals(300_010, result.bytes());
        long[] last = progress.get(progress.size() - 1);
        assertEquals(300_010, last[0], "progress ends at the total");
        assertEquals(300_010, last[1]);
        assertEquals(3, last[2]);
        assertTrue(progress.stream().allMatch(p -> p[0] <= p[1]), "progress never passes the total");
        assertEquals(Set.of("", "archives", "archives/game.rar", "local", "local/bin", "local/bin/readme.txt",
                "local/data.pak"), listing(dir), "no staging folder is left behind");
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar:RAR4:PARTS", "junrar:RAR4:OLD", "junrar:RAR5:PARTS", "sidecar:RAR4:PARTS",
            "sidecar:RAR4:OLD", "sidecar:RAR5:PARTS", "sidecar/unrar-free:RAR4:PARTS", "sidecar/unrar-free:RAR4:OLD",
            "sidecar/unrar-free:RAR5:PARTS" })
    void extractsMultiVolumeSets(String variant) throws Exception {
        String[] parts = variant.split(":");
        RarWriter writer = RarWriter.of(Format.valueOf(parts[1])).volumeSize(64 * 1024)
                .naming(RarWriter.Naming.valueOf(parts[2]));
        Map<String, String> expected = game(writer);
        writer.file("zz-last.txt", "starts in a later volume");
        expected.put("zz-last.txt", sha256("starts in a later volume".getBytes()));
        List<Path> volumes = writer.write(dir.resolve("archives"), "game");
        assertTrue(volumes.size() >= 5, "several volumes: " + volumes);
        List<long[]> progress = new ArrayList<>();

        byId(parts[0]).extract(volumes.get(0), dir.resolve("local"),
                (bytes, total, entries, entriesTotal) -> progress.add(new long[] { bytes, total, entries }),
                Cancellation.NEVER);

        assertEquals(expected, tree(dir.resolve("local")));
        long[] last = progress.get(progress.size() - 1);
        assertEquals(last[1], last[0], "progress ends at the total");
        assertEquals(4, last[2]);
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar", "sidecar", "sidecar/unrar-free" })
    void aSplitFileWhoseDataIsDamagedInALaterVolumeIsCaught(String extractor) throws Exception {
        RarWriter writer = RarWriter.rar4().volumeSize(64 * 1024);
        game(writer);
        List<Path> volumes = writer.write(dir.resolve("archives"), "game");
        Path third = volumes.get(2);
        byte[] bytes = Files.readAllBytes(third);
        bytes[bytes.length / 2] ^= 0x01;
        Files.write(third, bytes);
        Set<String> before = listing(dir);
        ArchiveException e = assertThrows(ArchiveException.class, () -> byId(extractor).extract(volumes.get(0),
                dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER));
        assertEquals(Reason.CORRUPT, e.reason(), e.getMessage());
        assertNothingLeft(dir.resolve("local"), before);
    }

    @Test
    void bothExtractorsAgreeOnACompressedRar4Archive() throws Exception {
        Path archive = Extractors.testDocument("test-documents/test-documents.rar", Files.createDirectories(dir.resolve("in")));
        byId("junrar").extract(archive, dir.resolve("by-junrar"), ExtractionListener.NONE, Cancellation.NEVER);
        byId("sidecar").extract(archive, dir.resolve("by-sidecar"), ExtractionListener.NONE, Cancellation.NEVER);
        byId("sidecar/unrar-free").extract(archive, dir.resolve("by-unrar-free"), ExtractionListener.NONE,
                Cancellation.NEVER);
        Map<String, String> junrar = tree(dir.resolve("by-junrar"));
        assertEquals(junrar, tree(dir.resolve("by-sidecar")), "two independent decoders give the same bytes");
        assertEquals(junrar, tree(dir.resolve("by-unrar-free")), "and a third");
        assertTrue(junrar.containsKey("test-documents/testTXT.txt"), junrar.toString());
        String text = Files.readString(dir.resolve("by-junrar/test-documents/testTXT.txt"));
        assertTrue(text.startsWith("Test d"), text);
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar", "sidecar", "sidecar/unrar-free" })
    void encryptedArchivesAreRefused(String extractor) throws Exception {
        Path archive = Extractors.testDocument("test-documents/test-documents-enc.rar", Files.createDirectories(dir.resolve("in")));
        Path flagged = RarWriter.rar4().encryptedFile("secret.bin", new byte[100]).write(dir.resolve("in"), "flagged").get(0);
        Set<String> before = listing(dir);
        for (Path file : List.of(archive, flagged)) {
            ArchiveException e = assertThrows(ArchiveException.class, () -> byId(extractor).extract(file,
                    dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER));
            assertEquals(Reason.ENCRYPTED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(file.getFileName().toString()), e.getMessage());
            assertNothingLeft(dir.resolve("local"), before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar:RAR4", "junrar:RAR5", "sidecar:RAR4", "sidecar:RAR5",
            "sidecar/unrar-free:RAR4", "sidecar/unrar-free:RAR5" })
    void hostileEntriesAreRefusedBeforeAnythingIsWritten(String variant) throws Exception {
        String[] parts = variant.split(":");
        Format format = Format.valueOf(parts[1]);
        Map<String, RarWriter> hostile = new TreeMap<>();
        hostile.put("absolute", RarWriter.of(format).file("good.txt", "x").file("/tmp/lanspread-evil.txt", "evil"));
        hostile.put("dotdot", RarWriter.of(format).file("good.txt", "x").file("../evil.txt", "evil"));
        hostile.put("nested-dotdot", RarWriter.of(format).file("good.txt", "x").file("a/b/../../../evil.txt", "evil"));
        hostile.put("drive", RarWriter.of(format).file("good.txt", "x").file("C:/evil.txt", "evil"));
        hostile.put("link-absolute", RarWriter.of(format).file("good.txt", "x").symlink("etc", "/etc")
                .file("etc/evil.txt", "evil"));
        hostile.put("link-outside", RarWriter.of(format).file("good.txt", "x").symlink("up", "../..")
                .file("up/evil.txt", "evil"));
        Path archives = Files.createDirectories(dir.resolve("archives"));
        Path target = dir.resolve("work/local");
        Files.createDirectories(target.getParent());
        for (Map.Entry<String, RarWriter> entry : hostile.entrySet()) {
            Path archive = entry.getValue().write(archives, entry.getKey()).get(0);
            Set<String> before = listing(dir);
            ArchiveException e = assertThrows(ArchiveException.class, () -> byId(parts[0]).extract(archive, target,
                    ExtractionListener.NONE, Cancellation.NEVER), entry.getKey());
            assertEquals(Reason.UNSAFE_ENTRY, e.reason(), entry.getKey() + ": " + e.getMessage());
            assertTrue(e.getMessage().contains(archive.toString()), e.getMessage());
            assertNothingLeft(target, before);
            assertFalse(Files.exists(Path.of("/tmp/lanspread-evil.txt")));
        }
    }

    @Test
    void linksInsideTheTargetAreKept() throws Exception {
        Path archive = RarWriter.rar5().file("data/real.txt", "real").symlink("alias.txt", "data/real.txt")
                .write(dir.resolve("archives"), "links").get(0);
        byId("junrar").extract(archive, dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER);
        assertEquals("real", Files.readString(dir.resolve("local/alias.txt")));
        assertTrue(Files.isSymbolicLink(dir.resolve("local/alias.txt")));
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar:RAR4", "junrar:RAR5", "sidecar:RAR4", "sidecar:RAR5",
            "sidecar/unrar-free:RAR4", "sidecar/unrar-free:RAR5" })
    void damagedArchivesNameTheFileAndLeaveNothing(String variant) throws Exception {
        String[] parts = variant.split(":");
        Path archives = Files.createDirectories(dir.resolve("archives"));
        RarWriter writer = RarWriter.of(Format.valueOf(parts[1]));
        game(writer);
        Path good = writer.write(archives, "good").get(0);
        byte[] bytes = Files.readAllBytes(good);

        byte[] flipped = bytes.clone();
        flipped[flipped.length - 5000] ^= 0x55; // inside data.pak's data: CRC mismatch
        Path corrupt = Files.write(archives.resolve("corrupt.rar"), flipped);
        Path truncated = Files.write(archives.resolve("truncated.rar"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        Path notRar = Files.writeString(archives.resolve("not-a.rar"), "just text, no archive here");

        for (Path file : List.of(corrupt, truncated, notRar)) {
            Set<String> before = listing(dir);
            ArchiveException e = assertThrows(ArchiveException.class, () -> byId(parts[0]).extract(file,
                    dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER), file.toString());
            assertTrue(Set.of(Reason.CORRUPT, Reason.TRUNCATED).contains(e.reason()), file + ": " + e.reason());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
            assertNothingLeft(dir.resolve("local"), before);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar:RAR4", "junrar:RAR5", "sidecar:RAR4", "sidecar:RAR5",
            "sidecar/unrar-free:RAR4", "sidecar/unrar-free:RAR5" })
    void aMissingVolumeIsNamed(String variant) throws Exception {
        String[] parts = variant.split(":");
        RarWriter writer = RarWriter.of(Format.valueOf(parts[1])).volumeSize(64 * 1024);
        game(writer);
        List<Path> volumes = writer.write(dir.resolve("archives"), "game");
        Files.delete(volumes.get(2));
        Set<String> before = listing(dir);
        ArchiveException e = assertThrows(ArchiveException.class, () -> byId(parts[0]).extract(volumes.get(0),
                dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER));
        assertEquals(Reason.MISSING_VOLUME, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains(volumes.get(2).getFileName().toString()), e.getMessage());
        assertNothingLeft(dir.resolve("local"), before);
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar", "sidecar", "junrar:volumes", "sidecar:volumes", "sidecar/unrar-free",
            "sidecar/unrar-free:volumes" })
    void cancellationMidExtractionLeavesTheTargetUnchanged(String variant) throws Exception {
        String extractor = variant.split(":")[0];
        long size = 96L * 1024 * 1024;
        RarWriter writer = RarWriter.rar5().file("small.txt", "first").randomFile("huge.bin", size, 1);
        if (variant.endsWith(":volumes")) {
            writer.volumeSize(16L * 1024 * 1024);
        }
        Path archive = writer.write(dir.resolve("archives"), "big").get(0);
        Set<String> before = listing(dir);
        AtomicBoolean cancel = new AtomicBoolean();
        long[] seen = { 0 };
        ExtractionListener listener = (bytes, total, entries, entriesTotal) -> {
            seen[0] = bytes;
            if (bytes > 8L * 1024 * 1024) {
                cancel.set(true);
            }
        };
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> byId(extractor).extract(archive, dir.resolve("local"), listener, cancel::get));
        assertEquals(Reason.CANCELLED, e.reason(), e.getMessage());
        if (extractor.equals("junrar")) {
            // junrar checks between buffers; bsdtar is polled, and may finish a fast disk write first
            assertTrue(seen[0] < size, "stopped before the end: " + seen[0]);
        }
        assertNothingLeft(dir.resolve("local"), before);
    }

    @Test
    void theTargetMustNotExist() throws Exception {
        Path archive = RarWriter.rar4().file("a.txt", "a").write(dir.resolve("archives"), "a").get(0);
        Files.createDirectories(dir.resolve("local/keep"));
        ArchiveException e = assertThrows(ArchiveException.class, () -> byId("junrar").extract(archive,
                dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
        assertTrue(Files.isDirectory(dir.resolve("local/keep")), "an existing target is left alone");
    }

    @Test
    void aPreferenceWinsOverRankingsWhenItNamesAnAvailableExtractor() throws Exception {
        var context = Extractors.context();
        var references = context.getServiceReferences(ArchiveExtractor.class, null);
        java.util.Map<ArchiveExtractor, Integer> ranked = new java.util.LinkedHashMap<>();
        for (var reference : references) {
            Object ranking = reference.getProperty("service.ranking");
            ranked.put(context.getService(reference), ranking instanceof Integer i ? i : 0);
        }
        assertEquals(2, ranked.size());
        assertEquals("junrar", org.lanspread.api.archive.ExtractorSelection.choose(ranked.keySet(), ranked::get, null)
                .orElseThrow().id(), "no preference: the highest ranking");
        assertEquals("sidecar", org.lanspread.api.archive.ExtractorSelection.choose(ranked.keySet(), ranked::get,
                "sidecar").orElseThrow().id(), "the preference");
        assertEquals("junrar", org.lanspread.api.archive.ExtractorSelection.choose(ranked.keySet(), ranked::get,
                "no-such-extractor").orElseThrow().id(), "an unknown preference falls back to the ranking");
        references.forEach(context::ungetService);
    }

    @Test
    void rankingsPutTheJavaExtractorFirstAndBothAreAvailable() throws Exception {
        assertEquals("junrar", Extractors.best().getProperty("extractor.id"));
        assertEquals(20, Extractors.best().getProperty("service.ranking"));
        ArchiveExtractor sidecar = byId("sidecar");
        assertTrue(sidecar.available(), "bsdtar is installed by the test script");
        assertEquals("sidecar", sidecar.id());
        try (InputStream ignored = InputStream.nullInputStream()) {
            assertEquals("junrar", byId("junrar").id());
        }
    }

    /**
     * On Debian, {@code unrar} is often unrar-free under RARLAB's name: a copy named so is still recognized (by
     * what it prints) and run as unrar-free; RARLAB's command line would fail with it.
     */
    @Test
    void theSidecarTellsUnrarFreeUnderTheNameUnrarFromRarlabUnrar() throws Exception {
        Path free = Files.createDirectories(dir.resolve("bin")).resolve("unrar");
        Path real = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                .map(d -> Path.of(d, "unrar-free")).filter(Files::isExecutable).findFirst().orElse(null);
        org.junit.jupiter.api.Assertions.assertNotNull(real, "unrar-free is not on the PATH (scripts/test installs it)");
        Files.copy(real, free, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
        RarWriter writer = RarWriter.rar5();
        Map<String, String> expected = game(writer);
        Path archive = writer.write(dir.resolve("archives"), "game").get(0);
        System.setProperty(Extractors.TOOL_PROPERTY, free.toString());
        byId("sidecar").extract(archive, dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER);
        assertEquals(expected, tree(dir.resolve("local")));
    }

    @Test
    void aSidecarToolThatIsNoExtractorIsAClearError() throws Exception {
        Path archive = RarWriter.rar4().file("a.txt", "a").write(dir.resolve("archives"), "a").get(0);
        Path script = Files.writeString(Files.createDirectories(dir.resolve("bin")).resolve("extract"),
                "#!/bin/sh\necho 'some other program'\n");
        script.toFile().setExecutable(true);
        for (Path tool : List.of(script, dir.resolve("bin/missing"))) {
            System.setProperty(Extractors.TOOL_PROPERTY, tool.toString());
            ArchiveExtractor sidecar = byId("sidecar");
            assertFalse(sidecar.available(), tool + " is no extractor");
            ArchiveException e = assertThrows(ArchiveException.class, () -> sidecar.extract(archive,
                    dir.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER));
            assertEquals(Reason.UNSUPPORTED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(tool.toString()) && e.getMessage().contains("lanspread.sidecar.tool"),
                    e.getMessage());
            assertFalse(Files.exists(dir.resolve("local")));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "junrar:RAR4", "junrar:RAR5" })
    void aFullDiskIsNamedAsSuchNotAsADamagedArchive(String variant) throws Exception {
        String[] parts = variant.split(":");
        Path archives = Files.createDirectories(dir.resolve("archives"));
        Path archive = RarWriter.of(Format.valueOf(parts[1])).randomFile("game/data.bin", 6L << 20, 3)
                .write(archives, "big").get(0);
        Path small = Files.createDirectories(dir.resolve("small"));
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", small.toString())
                .redirectErrorStream(true).start();
        String said = new String(mount.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, mount.waitFor(), "cannot mount a small tmpfs (the tests run as root): " + said);
        try {
            ArchiveException e = assertThrows(ArchiveException.class, () -> byId(parts[0]).extract(archive,
                    small.resolve("local"), ExtractionListener.NONE, Cancellation.NEVER));
            assertEquals(Reason.IO, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains("No space left on device") && e.getMessage().contains("data.bin")
                    && !e.getMessage().contains("damaged"), e.getMessage());
            try (var left = Files.list(small)) {
                assertEquals(List.of(), left.toList(), "nothing left on the full disk");
            }
        } finally {
            new ProcessBuilder("umount", small.toString()).inheritIO().start().waitFor();
        }
    }
}
