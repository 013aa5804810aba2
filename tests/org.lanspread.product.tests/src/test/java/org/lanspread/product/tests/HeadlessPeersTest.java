package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.lanspread.testing.files.GameFolders;
import org.lanspread.testing.rar.RarWriter;

/**
 * End-to-end: several headless peers, each a real product process, on loopback. Downloads from one and from three
 * seeds, a seed killed and restarted, the downloader killed (kill -9) during download, install, update and repair,
 * and a full disk.
 */
@Order(1) // first: LanFloodTest runs beside it (see junit-platform.properties)
class HeadlessPeersTest {

    private static final long MIB = 1024 * 1024;
    private static final long V1 = 320 * MIB;
    private static final long V2 = 352 * MIB;
    private static final Path BUILD = Path.of(System.getProperty("lanspread.build.dir", "target"));
    private static Path script;

    @BeforeAll
    static void installProduct() throws Exception {
        script = install("headless-product");
    }

    /** Unpacks the built product into {@code folder} of the build directory; returns its start script. */
    static Path install(String folder) throws IOException, InterruptedException {
        Path archive = Path.of(System.getProperty("lanspread.product.archive"));
        Path install = BUILD.resolve(folder);
        run("rm", "-rf", install.toString());
        Files.createDirectories(install);
        run("tar", "-xzf", archive.toString(), "-C", install.toString());
        return install.resolve("lanspread/lanspread");
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, process.waitFor(), String.join(" ", command) + " failed:\n" + out);
        return out;
    }

    static Path root(String test) throws IOException, InterruptedException {
        Path root = BUILD.resolve("e2e").resolve(test);
        run("rm", "-rf", root.toString());
        return Files.createDirectories(root);
    }

    private static HeadlessPeer peer(Path root, String name, String vmargs) throws IOException {
        return new HeadlessPeer(script, root, name, HeadlessPeer.freePort(), vmargs);
    }

    /** A downloadable game: a stored RAR5 set (16 MiB volumes) holding one file of random bytes, and version.ini. */
    static void game(Path games, String id, String version, long size, long seed) throws IOException {
        Path folder = Files.createDirectories(games.resolve(id));
        RarWriter writer = RarWriter.rar5().randomFile("game/data.bin", size, seed).file("game/version.txt", version);
        if (size > 16 * MIB) {
            writer.volumeSize(16 * MIB);
        }
        writer.write(folder, id);
        Files.writeString(folder.resolve("version.ini"), version + "\n");
    }

    static void copy(Path from, Path to) throws IOException {
        GameFolders.copyDownload(from, to);
    }

    static void assertSameDownload(Path expected, Path actual) throws IOException {
        GameFolders.assertSameDownload(expected, actual);
    }

    /** The MiB a progress line says are verified: "download ut99: fetching  40.0% 127/320 MiB". */
    private static final Pattern PROGRESS = Pattern.compile("download \\S+: fetching +[\\d.]+% (\\d+)/\\d+ MiB");

    /** "(T bytes, R resumed, F fetched, X re-fetched" from an outcome line. */
    static long[] figures(String output) {
        Matcher m = Pattern.compile("\\((\\d+) bytes, (\\d+) resumed, (\\d+) fetched, (\\d+) re-fetched")
                .matcher(output);
        long[] last = null;
        while (m.find()) {
            last = new long[] { Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)) };
        }
        assertTrue(last != null, "no download figures in:\n" + output);
        return last;
    }

    @Test
    void aGameIsInstalledFromOneSeedAndDownloadedFromThreeByteExact() throws Exception {
        Path root = root("swarm");
        Path original = root.resolve("original");
        game(original, "quake3", "20240315", 40 * MIB + 4321, 1);
        List<HeadlessPeer> seeds = new ArrayList<>();
        try {
            for (String name : List.of("seed-a", "seed-b", "seed-c")) {
                HeadlessPeer seed = peer(root, name, "");
                copy(original.resolve("quake3"), seed.games.resolve("quake3"));
                seeds.add(seed.start(List.of(), "serve"));
            }
            for (HeadlessPeer seed : seeds) {
                seed.awaitLine(" serving 1 local game", 60);
            }
            HeadlessPeer single = peer(root, "single", "");
            single.start(List.of(seeds.get(0)), "install", "quake3", "--wait", "30");
            assertEquals(0, single.await(120), single.output());
            String out = single.output();
            System.out.println("[e2e] one seed:\n" + out.lines().filter(l -> !l.startsWith("INFO")).reduce("",
                    (a, b) -> a + "  " + b + "\n"));
            assertTrue(out.contains("download quake3: fetching"), "progress on stdout:\n" + out);
            assertTrue(out.contains("completed: quake3 20240315 downloaded"), out);
            assertSameDownload(original.resolve("quake3"), single.games.resolve("quake3"));
            assertEquals(40 * MIB + 4321, Files.size(single.games.resolve("quake3/local/game/data.bin")));

            HeadlessPeer swarm = peer(root, "swarm", "");
            swarm.start(seeds, "download", "quake3", "--wait", "30", "--peers", "3"); // starts once all 3 offer it
            assertEquals(0, swarm.await(120), swarm.output());
            String swarmOut = swarm.output();
            String completed = swarmOut.lines().filter(l -> l.startsWith("completed")).findFirst().orElse("?");
            System.out.println("[e2e] three seeds: " + completed);
            assertTrue(completed.contains("from 3 peer(s)"), "every seed sent chunks that were kept: " + completed);
            assertSameDownload(original.resolve("quake3"), swarm.games.resolve("quake3"));
            assertFalse(Files.exists(swarm.games.resolve("quake3/local")), "download only");
        } finally {
            for (HeadlessPeer seed : seeds) {
                seed.close();
            }
        }
    }

    @Test
    void aSeedKilledMidDownloadEndsItWithAllPeersGoneAndItResumesWhenTheSeedIsBack() throws Exception {
        Path root = root("seed-killed");
        HeadlessPeer seed = peer(root, "seed", "-Dlanspread.upload.perpeer=12M");
        game(seed.games, "doom", "1.9", 64 * MIB, 2);
        HeadlessPeer leech = peer(root, "leech", "");
        try {
            seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
            leech.start(List.of(seed), "download", "doom", "--wait", "30");
            leech.awaitLine("download doom: fetching +[3-9]\\d\\.\\d%", 60);
            seed.kill9();
            int code = leech.await(60);
            String out = leech.output();
            assertEquals(3, code, "exit code 3: every peer left\n" + out);
            assertTrue(out.contains("all peers gone: every peer offering doom 1.9 left"), out);
            assertFalse(out.contains("failed:"), "only all-peers-gone, no failure:\n" + out);
            long[] before = figures(out);

            seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
            leech.start(List.of(seed), "download", "doom", "--wait", "30");
            assertEquals(0, leech.await(120), leech.output());
            long[] after = figures(leech.output());
            long refetched = before[2] - after[1]; // fetched before the kill but not kept
            System.out.printf("[e2e] seed killed: %d bytes fetched before, %d kept (resumed), %d fetched after,"
                    + " %d bytes fetched twice%n", before[2], after[1], after[2], refetched);
            assertTrue(refetched <= 4 * MIB * 4, "at most the chunks in flight (one per fetch slot) are fetched twice");
            assertSameDownload(seed.games.resolve("doom"), leech.games.resolve("doom"));
        } finally {
            seed.close();
            leech.close();
        }
    }

    @Test
    void aLyingSeedIsDroppedAndReportedWhileTheGameArrivesExact() throws Exception {
        Path root = root("liar");
        Path original = root.resolve("original");
        game(original, "hl", "1998", 48 * MIB, 6);
        HeadlessPeer honest = peer(root, "honest", "-Dlanspread.upload.perpeer=8M");
        // A peer that does not check what it sends, as a LanSpread before the send-side check: a checking one refuses
        // rotten chunks instead of sending them (OfferIntegrityTest).
        HeadlessPeer liar = peer(root, "liar", "-Dlanspread.serve.verify=false");
        HeadlessPeer first = peer(root, "first", "");
        HeadlessPeer second = peer(root, "second", "");
        try {
            copy(original.resolve("hl"), honest.games.resolve("hl"));
            copy(original.resolve("hl"), liar.games.resolve("hl"));
            honest.start(List.of(), "serve").awaitLine("Z serving ", 60);
            liar.start(List.of(), "serve").awaitLine("Z serving ", 60);
            // The liar hashes its honest copy for a first downloader...
            first.start(List.of(liar), "download", "hl", "--wait", "30");
            assertEquals(0, first.await(120), first.output());
            // ... then its disk rots: a byte pair flipped in every 4 MiB chunk, size and modification time kept, so
            // it goes on serving the old hashes with bad bytes.
            try (Stream<Path> files = Files.list(liar.games.resolve("hl"))) {
                for (Path rar : files.filter(p -> p.toString().endsWith(".rar")).toList()) {
                    var mtime = Files.getLastModifiedTime(rar);
                    try (var channel = java.nio.channels.FileChannel.open(rar, java.nio.file.StandardOpenOption.WRITE)) {
                        for (long offset = 100; offset < Files.size(rar); offset += 4 * MIB) {
                            channel.write(java.nio.ByteBuffer.wrap(new byte[] { 0x13, 0x37 }), offset);
                        }
                    }
                    Files.setLastModifiedTime(rar, mtime);
                }
            }
            second.start(List.of(honest, liar), "download", "hl", "--wait", "30");
            assertEquals(0, second.await(180), second.output());
            String out = second.output();
            String completed = out.lines().filter(l -> l.startsWith("completed")).findFirst().orElse(out);
            System.out.println("[e2e] lying seed: " + completed);
            assertTrue(completed.contains("dropped ["), "the liar is reported in the outcome:\n" + out);
            assertSameDownload(original.resolve("hl"), second.games.resolve("hl"));
        } finally {
            for (HeadlessPeer peer : List.of(honest, liar, first, second)) {
                peer.close();
            }
        }
    }

    /** What a folder holds after a crash and recovery: "none", or the version installed (complete). */
    static String installState(Path folder, long expectedSize1, long expectedSize2) throws IOException {
        Path local = folder.resolve("local");
        if (!Files.exists(local)) {
            return "none";
        }
        String version = Files.readString(local.resolve("game/version.txt")).strip();
        long size = Files.size(local.resolve("game/data.bin"));
        long expected = version.equals("1") ? expectedSize1 : expectedSize2;
        return size == expected && Files.exists(local.resolve(".lanspread.json")) ? version : "HALF(" + version + ")";
    }

    @Test
    void theDownloaderKilledDuringDownloadInstallUpdateAndRepairRecoversOnRestart() throws Exception {
        Path root = root("crashes");
        // Large enough that unpacking takes a while (the crash must land inside it), capped so the download does too.
        long v1 = V1;
        long v2 = V2;
        HeadlessPeer seed = peer(root, "seed", "-Dlanspread.upload.perpeer=64M");
        game(seed.games, "ut99", "1", v1, 3);
        HeadlessPeer leech = peer(root, "leech", "");
        Path folder = leech.games.resolve("ut99");
        List<String> table = new ArrayList<>();
        try {
            seed.start(List.of(), "serve").awaitLine("Z serving ", 60);

            // 1. During the download.
            leech.start(List.of(seed), "install", "ut99", "--wait", "30");
            leech.awaitLine("download ut99: fetching +[2-9]\\d\\.\\d%", 120);
            leech.kill9();
            // What it had said was verified before the kill: the last progress line's MiB.
            long saidDone = leech.output().lines().map(PROGRESS::matcher).filter(Matcher::find)
                    .mapToLong(m -> Long.parseLong(m.group(1))).max().orElseThrow();
            assertFalse(Files.exists(folder.resolve("version.ini")), "never complete before it is");
            leech.start(List.of(seed), "games", "--wait", "0");
            assertEquals(0, leech.await(60), leech.output());
            table.add(row("download", "no download, no install; resumes", folder));
            assertEquals("none", installState(folder, v1, v2));

            // Resume and install, then kill during an install of the same version (reinstall after uninstall).
            leech.start(List.of(seed), "install", "ut99", "--wait", "30");
            assertEquals(0, leech.await(180), leech.output());
            long[] figures = figures(leech.output());
            table.add(String.format("%-10s | %-40s | resumed %d MiB, fetched %d MiB", "(resume)", "download completes",
                    figures[1] >> 20, figures[2] >> 20));
            // The resume kept every chunk it had reported verified, and fetched exactly the rest.
            assertTrue(figures[1] >= saidDone << 20, "resumed " + figures[1] + " bytes, but " + saidDone
                    + " MiB were reported verified before the kill");
            assertEquals(figures[0], figures[1] + figures[2] - figures[3], "total = resumed + fetched - re-fetched");
            assertTrue(figures[1] > 0 && figures[2] < figures[0], "a resume, not a new download: " + figures[1]);
            assertEquals("1", installState(folder, v1, v2));
            leech.start(List.of(), "uninstall", "ut99");
            assertEquals(0, leech.await(60), leech.output());

            // 2. During the install (unpacking).
            leech.start(List.of(), "install", "ut99", "--wait", "0");
            leech.awaitLine("install ut99: (unpacking|swapping)", 60);
            leech.kill9();
            leech.start(List.of(), "games", "--wait", "0");
            assertEquals(0, leech.await(60), leech.output());
            String afterInstallCrash = installState(folder, v1, v2);
            table.add(row("install", "no install, or the complete install", folder));
            assertTrue(afterInstallCrash.equals("none") || afterInstallCrash.equals("1"), afterInstallCrash);
            leech.start(List.of(), "install", "ut99", "--wait", "0");
            assertEquals(0, leech.await(120), leech.output());
            assertEquals("1", installState(folder, v1, v2));

            // 3. During an update: the seed now offers version 2.
            seed.close();
            run("rm", "-rf", seed.games.resolve("ut99").toString());
            game(seed.games, "ut99", "2", v2, 4);
            seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
            leech.start(List.of(seed), "update", "ut99", "--wait", "30");
            leech.awaitLine("update ut99: (unpacking|swapping)", 120);
            leech.kill9();
            leech.start(List.of(), "games", "--wait", "0");
            assertEquals(0, leech.await(60), leech.output());
            String afterUpdateCrash = installState(folder, v1, v2);
            table.add(row("update", "old install intact, or the new one", folder));
            assertTrue(afterUpdateCrash.equals("1") || afterUpdateCrash.equals("2"), afterUpdateCrash);
            leech.start(List.of(seed), "update", "ut99", "--wait", "30");
            assertEquals(0, leech.await(180), leech.output());
            assertEquals("2", installState(folder, v1, v2));
            assertSameDownload(seed.games.resolve("ut99"), folder);

            // 4. During a repair: one byte of every chunk of the download changed on disk (sizes and times kept), and
            // one of the install's file too; the game wrote a file of its own.
            Path data = folder.resolve("local/game/data.bin");
            String unpacked = sha256(data);
            try (Stream<Path> files = Files.list(folder)) {
                for (Path volume : files.filter(p -> p.toString().endsWith(".rar")).toList()) {
                    long[] offsets = new long[(int) ((Files.size(volume) + 4 * MIB - 1) / (4 * MIB))];
                    for (int i = 0; i < offsets.length; i++) {
                        offsets[i] = i * 4 * MIB + 7;
                    }
                    flip(volume, offsets);
                }
            }
            flip(data, 1000);
            Files.writeString(folder.resolve("local/game/player.cfg"), "name=leech\n");
            leech.start(List.of(seed), "repair", "ut99", "--wait", "30");
            leech.awaitLine("repair ut99: fetching +[1-9]\\d?\\.\\d%", 120);
            leech.kill9();
            leech.start(List.of(), "games", "--wait", "0");
            assertEquals(0, leech.await(60), leech.output());
            table.add(row("repair", "a paused download, the install as it was", folder));
            assertFalse(Files.exists(folder.resolve("version.ini")), "a paused download, never a complete one");
            assertEquals("2", installState(folder, v1, v2));
            leech.start(List.of(seed), "repair", "ut99", "--wait", "30");
            assertEquals(0, leech.await(180), leech.output());
            assertTrue(leech.output().contains("ut99 2 repaired; the paused download was completed; install unpacked "
                    + "again (it had 1 changed (game/data.bin); 1 added by the game, kept (game/player.cfg))"),
                    leech.output());
            assertSameDownload(seed.games.resolve("ut99"), folder);
            assertEquals(unpacked, sha256(data), "the install matches its archives again");
            assertEquals("name=leech\n", Files.readString(folder.resolve("local/game/player.cfg")));
        } finally {
            System.out.println("[e2e] kill -9 of the downloader:");
            System.out.printf("[e2e] %-10s | %-40s | %s%n", "crash in", "expected after restart", "found");
            table.forEach(line -> System.out.println("[e2e] " + line));
            seed.close();
            leech.close();
        }
    }

    /** Inverts the byte at each offset, keeping the file's size and modification time. */
    static void flip(Path file, long... offsets) throws IOException {
        java.nio.file.attribute.FileTime mtime = Files.getLastModifiedTime(file);
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.READ, java.nio.file.StandardOpenOption.WRITE)) {
            for (long at : offsets) {
                java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                channel.read(one, at);
                one.put(0, (byte) ~one.get(0)).rewind();
                channel.write(one, at);
            }
        }
        Files.setLastModifiedTime(file, mtime);
    }

    static String sha256(Path file) throws IOException, InterruptedException {
        return run("sha256sum", file.toString()).split(" ")[0];
    }

    private static String row(String point, String expected, Path folder) throws IOException {
        String state = installState(folder, V1, V2);
        boolean downloaded = Files.exists(folder.resolve("version.ini"));
        List<String> leftovers = new ArrayList<>();
        if (Files.isDirectory(folder)) {
            try (Stream<Path> files = Files.list(folder)) {
                files.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted()
                        .forEach(leftovers::add);
            }
        }
        return String.format("%-10s | %-40s | install %s, download %s, hidden %s", point, expected, state,
                downloaded ? "complete" : "absent", leftovers);
    }

    /** The bytes of the regular files below {@code dir} (0 when it does not exist). */
    private static long bytesBelow(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }

    @Test
    void whatCannotFitIsRefusedBeforeAnyWriteAndADiskThatFillsMidDownloadIsAClearError() throws Exception {
        Path root = root("disk-full");
        HeadlessPeer seed = peer(root, "seed", "-Dlanspread.upload.perpeer=8M"); // ~5 s for the 40 MiB game
        game(seed.games, "big", "1", 96 * MIB, 5);
        game(seed.games, "mid", "1", 40 * MIB, 6);
        HeadlessPeer leech = peer(root, "leech", "");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", leech.games.toString())
                .redirectErrorStream(true).start();
        String mountOut = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        Assumptions.assumeTrue(mount.waitFor() == 0, "cannot mount a small tmpfs here: " + mountOut);
        try {
            seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
            // 96 MiB into 64 MiB: refused up front, with both numbers, nothing written.
            leech.start(List.of(seed), "download", "big", "--wait", "30");
            assertEquals(1, leech.await(120), leech.output());
            String refused = leech.output();
            System.out.println("[e2e] refused: " + refused.lines().filter(l -> l.contains("not enough space"))
                    .findFirst().orElse("?"));
            assertTrue(refused.contains("not enough space for the download of big 1") && refused.contains(
                    "it needs 96.0 MiB") && refused.contains("MiB free"), "both numbers:\n" + refused);
            assertEquals(0, bytesBelow(leech.games.resolve("big")), "not a byte written");

            // 40 MiB fits; the disk fills up under it (another program writes): a clear error, the partial data kept.
            leech.start(List.of(seed), "download", "mid", "--wait", "30");
            Path staging = leech.games.resolve("mid/.lanspread-download");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (bytesBelow(staging) < 8 * MIB && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            Process fill = new ProcessBuilder("dd", "if=/dev/zero", "of=" + leech.games.resolve("filler.bin"),
                    "bs=1M").redirectErrorStream(true).start();
            fill.getInputStream().readAllBytes();
            fill.waitFor(); // ends with "No space left on device": the file system is full
            int code = leech.await(120);
            String out = leech.output();
            System.out.println("[e2e] disk full: " + out.lines().filter(l -> l.startsWith("failed")).findFirst()
                    .orElse("?"));
            assertEquals(1, code, out);
            assertTrue(out.contains("No space left on device") && out.contains(leech.games.resolve("mid").toString()),
                    "the error says what and where:\n" + out);
            assertFalse(Files.exists(leech.games.resolve("mid/version.ini")), "not shown as downloaded");
            assertTrue(Files.isDirectory(staging), "partial data kept");
            Files.delete(leech.games.resolve("filler.bin"));

            leech.start(List.of(), "discard", "mid");
            assertEquals(0, leech.await(60), leech.output());
            assertTrue(leech.output().contains("bytes freed"), leech.output());
            assertFalse(Files.exists(leech.games.resolve("mid")), "the partial download is gone");

            // A downloaded 40 MiB game cannot be unpacked beside its archives in what is left: refused up front.
            game(leech.games, "local", "1", 40 * MIB, 7);
            leech.start(List.of(), "install", "local");
            assertEquals(1, leech.await(60), leech.output());
            assertTrue(leech.output().contains("not enough space for the install of local 1") && leech.output()
                    .contains("it needs 40.0 MiB"), leech.output());
            assertFalse(Files.exists(leech.games.resolve("local/local")), "nothing unpacked");
        } finally {
            seed.close();
            leech.close();
            new ProcessBuilder("umount", leech.games.toString()).inheritIO().start().waitFor();
        }
    }

    @Test
    void deleteWithoutATerminalWantsYesThenRemovesTheInstallAndTheDownload() throws Exception {
        Path root = root("delete");
        HeadlessPeer owner = peer(root, "owner", "");
        game(owner.games, "doom", "1.9", 4 * MIB, 12);
        try {
            owner.start(List.of(), "install", "doom");
            assertEquals(0, owner.await(60), owner.output());
            assertTrue(Files.isDirectory(owner.games.resolve("doom/local")));

            owner.start(List.of(), "delete", "doom"); // no terminal to ask on
            assertEquals(2, owner.await(60), owner.output());
            assertTrue(owner.output().contains("add --yes to confirm")
                    && owner.output().contains(owner.games.resolve("doom").toString()), owner.output());
            assertTrue(Files.isDirectory(owner.games.resolve("doom/local"))
                    && Files.exists(owner.games.resolve("doom/version.ini")), "nothing was removed");

            owner.start(List.of(), "delete", "doom", "--yes");
            assertEquals(0, owner.await(60), owner.output());
            assertTrue(owner.output().contains("completed: doom was deleted: ") && owner.output().contains("freed"),
                    owner.output());
            assertFalse(Files.exists(owner.games.resolve("doom")), "the whole folder is gone");
        } finally {
            owner.close();
        }
    }

    @Test
    void aDamagedStateDatabaseIsRebuiltAndThePeerServes() throws Exception {
        Path root = root("damaged-state");
        HeadlessPeer seed = peer(root, "seed", "");
        game(seed.games, "doom", "1.9", 2 * MIB, 8);
        HeadlessPeer leech = peer(root, "leech", "");
        try {
            seed.start(List.of(), "games", "--wait", "0");
            assertEquals(0, seed.await(60), seed.output());
            Path db = seed.data.resolve("lanspread/library.db");
            assertTrue(Files.size(db) > 0, "the state exists");
            byte[] garbage = new byte[16384];
            new java.util.Random(3).nextBytes(garbage);
            Files.write(db, garbage);
            Files.deleteIfExists(db.resolveSibling("library.db-wal"));
            seed.start(List.of(), "serve").awaitLine("Z serving 1 local game", 60);
            String told = seed.output();
            assertTrue(told.contains("was damaged") && told.contains("rebuilt from the game directory"), told);
            assertTrue(told.contains("lanspread: the library state " + db), "told once on stderr, plainly:\n" + told);
            leech.start(List.of(seed), "download", "doom", "--wait", "30");
            assertEquals(0, leech.await(60), leech.output());
            assertSameDownload(seed.games.resolve("doom"), leech.games.resolve("doom"));
        } finally {
            seed.close();
            leech.close();
        }
    }

    @Test
    void aSecondRuntimeOnTheSameStateIsRefusedSigtermEndsTheFirstAndItsLogFileHasTheRun() throws Exception {
        Path root = root("state-lock");
        HeadlessPeer seed = peer(root, "seed", "");
        game(seed.games, "doom", "1.9", 2 * MIB, 9);
        HeadlessPeer second = new HeadlessPeer(script, root, "seed", HeadlessPeer.freePort(), ""); // same folders
        HeadlessPeer leech = peer(root, "leech", "");
        try {
            seed.start(List.of(), "serve").awaitLine("Z serving 1 local game", 60);
            second.start(List.of(), "games", "--wait", "0");
            assertEquals(4, second.await(60), "refused:\n" + second.output());
            String refusal = second.output();
            assertTrue(refusal.contains("is in use by another LanSpread (process " + seed.pid())
                    && refusal.contains(seed.data.toString()), refusal);
            leech.start(List.of(seed), "download", "doom", "--wait", "30");
            assertEquals(0, leech.await(60), "the first one still serves:\n" + leech.output());
            assertEquals(0, seed.terminate(), "a clean stop on SIGTERM:\n" + seed.output());
            // The log file in LANSPREAD_DATA/logs has the whole run; the refused second start did not take it over.
            String log = Files.readString(seed.data.resolve("logs/lanspread.0.log"));
            assertTrue(log.contains("INFO RuntimeCore: seed: running on "), log);
            assertFalse(log.contains("is in use"), "the refused start wrote a file of its own:\n" + log);
            second.start(List.of(), "games", "--wait", "0");
            assertEquals(0, second.await(60), "free again once the first stopped:\n" + second.output());
        } finally {
            seed.close();
            second.close();
            leech.close();
        }
    }

    @Test
    void aGameDamagedOrTruncatedOnDiskIsNeverOfferedAndGamesShowsItDamaged() throws Exception {
        Path root = root("damaged-games");
        HeadlessPeer seed = peer(root, "seed", "");
        game(seed.games, "doom", "1.9", 8 * MIB, 10);
        game(seed.games, "hl", "1.1", 20 * MIB, 11);
        // doom: 16 bytes changed at three places before it was ever hashed, size and modification time kept.
        Path volume = seed.games.resolve("doom/doom.rar");
        var mtime = Files.getLastModifiedTime(volume);
        long size = Files.size(volume);
        try (var channel = java.nio.channels.FileChannel.open(volume, java.nio.file.StandardOpenOption.WRITE)) {
            for (long at : new long[] { size / 4, size / 2, size * 3 / 4 }) {
                channel.write(java.nio.ByteBuffer.wrap("sixteen bytes!!!".getBytes()), at);
            }
        }
        Files.setLastModifiedTime(volume, mtime);
        // hl: its last volume cut short.
        Path last = seed.games.resolve("hl/hl.part2.rar");
        try (var channel = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() / 2);
        }
        HeadlessPeer leech = peer(root, "leech", "");
        try {
            seed.start(List.of(), "serve").awaitLine("Z serving 2 local game", 60);
            for (String id : List.of("doom", "hl")) {
                leech.start(List.of(seed), "download", id, "--wait", "8");
                assertEquals(3, leech.await(60), "no peer offers " + id + ":\n" + leech.output());
                assertFalse(Files.exists(leech.games.resolve(id)), "nothing of " + id + " reached the leech");
            }
            assertEquals(0, seed.terminate(), seed.output());
            seed.start(List.of(), "games", "--wait", "2");
            assertEquals(0, seed.await(60), seed.output());
            String games = seed.output();
            System.out.println("[e2e] damaged games:\n" + games.lines().filter(l -> l.startsWith("doom")
                    || l.startsWith("hl")).reduce("", (a, b) -> a + "  " + b + "\n"));
            String doom = games.lines().filter(l -> l.startsWith("doom ")).findFirst().orElse(games);
            assertTrue(doom.contains("damaged") && doom.contains("doom.rar"), doom);
            String hl = games.lines().filter(l -> l.startsWith("hl ")).findFirst().orElse(games);
            assertTrue(hl.contains("damaged") && hl.contains("hl.part2.rar") && hl.contains("ends early"), hl);
        } finally {
            seed.close();
            leech.close();
        }
    }

    @Test
    void aMissingOrUnreadableCatalogStopsThePeerNamingIt() throws Exception {
        Path root = root("catalog");
        Path missing = root.resolve("no-such-game.db");
        Path garbage = Files.write(root.resolve("garbage.db"), "not a database at all, just text".repeat(100)
                .getBytes(StandardCharsets.US_ASCII));
        for (Path catalog : List.of(missing, garbage)) {
            HeadlessPeer peer = peer(root, "peer-" + catalog.getFileName(), "-Dlanspread.catalog.db=" + catalog);
            try {
                peer.start(List.of(), "games", "--wait", "0");
                int code = peer.await(60);
                String out = peer.output();
                assertEquals(6, code, "exit code 6, the runtime failed:\n" + out);
                assertTrue(out.contains("catalog") && out.contains(catalog.toString()), "names the catalog:\n" + out);
                assertFalse(out.contains("\tat "), "a message, not a stack trace:\n" + out);
            } finally {
                peer.close();
            }
        }
    }

    @Test
    void serveFetchDownloadsWhileServingAndServesTheGameOnAfterwards() throws Exception {
        Path root = root("serve-fetch");
        // 4 MiB/s to each peer: the 12 MiB take ~2-3 s, long enough to be seen under way.
        HeadlessPeer seed = peer(root, "seed", "-Dlanspread.upload.perpeer=4M");
        game(seed.games, "doom", "1.9", 12 * MIB, 12);
        game(seed.games, "heretic", "1.3", 2 * MIB, 2);
        HeadlessPeer fetcher = peer(root, "fetcher", "");
        HeadlessPeer leech = peer(root, "leech", "");
        try {
            seed.start(List.of(), "serve").awaitLine("Z serving 2 local game", 60);
            HeadlessPeer misordered = peer(root, "misordered", "");
            misordered.start(List.of(seed), "serve", "--fetch-at", "1796468400000", "--fetch", "doom");
            assertEquals(2, misordered.await(60), "a --fetch-at before any --fetch is a usage error");
            assertTrue(misordered.output().contains("--fetch-at 1796468400000 needs a --fetch GAME before it"),
                    misordered.output());
            misordered.close();
            // Each --fetch-at times the --fetch games named before it: heretic after doom, here 3 s later.
            long fetchAt = System.currentTimeMillis() + 4000;
            long thenAt = fetchAt + 3000;
            fetcher.start(List.of(seed), "serve", "--fetch", "doom", "--fetch-at", Long.toString(fetchAt),
                    "--fetch", "heretic", "--fetch-at", Long.toString(thenAt));
            fetcher.awaitLine("Z serving 0 local game", 60);
            String done = fetcher.awaitLine("fetched doom: ", 120);
            assertTrue(done.contains("fetched doom: completed: doom 1.9 downloaded"), done);
            String began = fetcher.awaitLine("fetch doom: .* downloading", 1);
            assertTrue(java.time.Instant.parse(began.split(" ")[0]).toEpochMilli() >= fetchAt,
                    "it waited for --fetch-at " + java.time.Instant.ofEpochMilli(fetchAt) + ": " + began);
            assertTrue(fetcher.awaitLine("fetched heretic: ", 60).contains("completed"), fetcher.output());
            String second = fetcher.awaitLine("fetch heretic: .* downloading", 1);
            assertTrue(java.time.Instant.parse(second.split(" ")[0]).toEpochMilli() >= thenAt,
                    "heretic waited for its own --fetch-at " + java.time.Instant.ofEpochMilli(thenAt) + ": " + second);
            // Both tell what moves: the fetcher its sources, the seed who downloads what, how far, and the rates.
            fetcher.awaitLine("download doom: fetching .* MiB/s from 1 peer\\(s\\)", 1);
            seed.awaitLine("peer fetcher \\(\\w+\\): downloading doom 1\\.9 \\d+% \\(\\d/\\d chunks\\); from it "
                    + "0\\.0 MiB/s, to it \\d+\\.\\d MiB/s", 1);
            assertEquals(0, seed.terminate(), "the seed leaves: the fetcher alone holds doom now");
            leech.start(List.of(fetcher), "download", "doom", "--wait", "30");
            assertEquals(0, leech.await(120), "served on by the fetcher:\n" + leech.output());
            assertSameDownload(seed.games.resolve("doom"), leech.games.resolve("doom"));
            assertTrue(fetcher.alive(), "the fetcher still serves");
        } finally {
            seed.close();
            fetcher.close();
            leech.close();
        }
    }
}
