package org.lanspread.library.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lanspread.library.internal.LibraryFixtures.downloaded;
import static org.lanspread.library.internal.LibraryFixtures.installed;
import static org.lanspread.library.internal.LibraryFixtures.library;
import static org.lanspread.library.internal.LibraryFixtures.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.Availability;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.InvalidGameDirectoryException;
import org.lanspread.api.library.LibraryDelta;
import org.lanspread.api.library.LibrarySnapshot;
import org.lanspread.api.library.LocalGame;

class GameLibraryTest {

    @Test
    void scanDerivesEveryAvailabilityStateFromTheDisk(@TempDir Path games) throws Exception {
        downloaded(games, "quake3", "20240315", 100);
        installed(downloaded(games, "ut99", "436", 100), "436");
        installed(downloaded(games, "cs16", "2", 100), "1");
        installed(Files.createDirectories(games.resolve("doom")), "1.9");
        Files.createDirectories(games.resolve("warcraft3/local"));
        write(games.resolve("halflife/halflife.part1.rar"), "partial download");
        write(games.resolve("garbage/version.ini"), "name = x\nsomething\n");
        write(games.resolve("garbage/garbage.rar"), "x");
        write(games.resolve("no-archive/version.ini"), "7");
        write(games.resolve("bad:name/version.ini"), "1");
        Files.createDirectories(games.resolve(".lanspread-staging-quake3"));
        write(games.resolve("readme.txt"), "not a game");

        Map<String, LocalGame> byId = library().setGameDirectory(games).games();

        assertEquals(List.of("bad:name", "cs16", "doom", "garbage", "halflife", "no-archive", "quake3", "ut99",
                "warcraft3"), new ArrayList<>(byId.keySet()), "hidden folders and plain files are not games");
        assertGame(byId.get("quake3"), Availability.DOWNLOADED, "20240315", null);
        assertEquals(List.of("quake3.rar"), byId.get("quake3").archives());
        assertEquals(100 + "20240315\n".length(), byId.get("quake3").downloadBytes());
        assertGame(byId.get("ut99"), Availability.DOWNLOADED_AND_INSTALLED, "436", "436");
        assertFalse(byId.get("ut99").updatePending());
        assertGame(byId.get("cs16"), Availability.DOWNLOADED_AND_INSTALLED, "2", "1");
        assertTrue(byId.get("cs16").updatePending(), "downloaded 2 over installed 1 is an update");
        assertGame(byId.get("doom"), Availability.LOCAL_ONLY, null, "1.9");
        assertGame(byId.get("warcraft3"), Availability.LOCAL_ONLY, null, null);
        assertGame(byId.get("halflife"), Availability.INCOMPLETE, null, null);

        LocalGame garbage = byId.get("garbage");
        assertEquals(Availability.BROKEN, garbage.availability());
        assertTrue(garbage.problem().contains(games.resolve("garbage/version.ini").toString()), garbage.problem());
        assertTrue(byId.get("no-archive").problem().contains("no .rar archive"), byId.get("no-archive").problem());
        assertTrue(byId.get("bad:name").problem().contains("not allowed"), byId.get("bad:name").problem());
    }

    private static void assertGame(LocalGame game, Availability availability, String downloaded, String installed) {
        assertNotNull(game);
        assertEquals(availability, game.availability(), game.toString());
        assertEquals(downloaded, game.downloadedVersion(), game.toString());
        assertEquals(installed, game.installedVersion(), game.toString());
        assertNull(game.problem(), game.toString());
    }

    @Test
    void versionIniIsOneLineOrAVersionKeyAndAnythingElseNamesTheFile(@TempDir Path dir) throws Exception {
        assertEquals("20240315", VersionIni.read(write(dir.resolve("a.ini"), "20240315\n")));
        assertEquals("1.2", VersionIni.read(write(dir.resolve("b.ini"), "\uFEFF; comment\n[game]\nname=UT\nversion = \"1.2\"\n")));
        assertEquals("3", VersionIni.read(write(dir.resolve("c.ini"), "VERSION=3")));
        for (String bad : List.of("", "\n\n", "line one\nline two\n", "version=1\nversion=2\n", "version=\n",
                "1.0 beta", "../../etc", "[section]\n")) {
            Path file = write(dir.resolve("bad.ini"), bad);
            Exception e = assertThrows(VersionIni.InvalidVersionException.class, () -> VersionIni.read(file),
                    "'" + bad + "' must be rejected");
            assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        }
    }

    @Test
    void refreshRereadsOneGameOnlyAndPublishesItsDelta(@TempDir Path games) throws Exception {
        downloaded(games, "quake3", "1", 10);
        downloaded(games, "ut99", "1", 10);
        GameLibrary library = library();
        LibrarySnapshot before = library.setGameDirectory(games);
        List<LibraryDelta> deltas = new CopyOnWriteArrayList<>();
        try (AutoCloseable listener = library.addListener(deltas::add)) {
            installed(games.resolve("quake3"), "1");
            write(games.resolve("ut99/version.ini"), "2"); // changed on disk, but not refreshed

            LocalGame quake3 = library.refresh("quake3").orElseThrow();

            assertEquals(Availability.DOWNLOADED_AND_INSTALLED, quake3.availability());
            assertEquals(1, deltas.size());
            assertEquals(List.of(quake3), deltas.get(0).changed());
            assertTrue(deltas.get(0).removed().isEmpty());
            LibrarySnapshot after = library.snapshot();
            assertEquals(before.revision() + 1, after.revision());
            assertEquals("1", after.games().get("ut99").downloadedVersion(), "a refresh of one game is not a scan");

            assertTrue(library.refresh("quake3").isPresent());
            assertEquals(1, deltas.size(), "no change, no delta");

            Files.walk(games.resolve("quake3")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            assertTrue(library.refresh("quake3").isEmpty());
            assertEquals(java.util.Set.of("quake3"), deltas.get(1).removed());
        }
        assertThrows(IllegalArgumentException.class, () -> library.refresh("../etc"));
    }

    /**
     * The runtime's snapshot lock is taken by a listener (told of a delta) and, on another thread, around reads of
     * the library: listeners must be told outside the library's own lock, or the two threads deadlock. Here the
     * listener waits for a reader on another thread; with the lock held during the call it would wait forever.
     */
    @Test
    void listenersAreToldOutsideTheLibraryLockSoTheyMayWaitForReaders(@TempDir Path games) throws Exception {
        downloaded(games, "quake3", "1", 10);
        GameLibrary library = library();
        library.setGameDirectory(games);
        List<String> seen = new CopyOnWriteArrayList<>();
        java.util.concurrent.ExecutorService reader = java.util.concurrent.Executors.newSingleThreadExecutor();
        try (AutoCloseable listener = library.addListener(delta -> {
            try {
                // Both reads take the library's lock on the reader thread.
                seen.add(reader.submit(() -> library.gameDirectory() + " r" + library.snapshot().revision())
                        .get(5, TimeUnit.SECONDS));
            } catch (Exception e) {
                seen.add("the reader was blocked: " + e);
            }
        })) {
            installed(games.resolve("quake3"), "1");
            library.refresh("quake3");
            write(games.resolve("ut99/version.ini"), "1");
            write(games.resolve("ut99/ut99.rar"), "x");
            library.scan();
        } finally {
            reader.shutdownNow();
        }
        long revision = library.snapshot().revision();
        assertEquals(List.of(games + " r" + (revision - 1), games + " r" + revision), seen,
                "each listener call read the library, and saw the revision it was told of");
    }

    @Test
    void monitorPicksUpANewGameFolder(@TempDir Path games) throws Exception {
        GameLibrary library = library();
        library.setGameDirectory(games);
        List<LibraryDelta> deltas = new CopyOnWriteArrayList<>();
        Thread monitor = new Thread(() -> {
            try {
                library.runMonitor(Duration.ofMinutes(10));
            } catch (InterruptedException e) {
                // stopped
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "library-monitor-test");
        try (AutoCloseable listener = library.addListener(deltas::add)) {
            monitor.start();
            Thread.sleep(300); // let it register its watches
            downloaded(games, "newgame", "5", 10);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            // The snapshot changes first and listeners are told after, outside the library's lock: wait for both.
            while (System.nanoTime() < deadline && !(library.snapshot().games().containsKey("newgame")
                    && library.snapshot().games().get("newgame").availability() == Availability.DOWNLOADED
                    && deltas.stream().anyMatch(d -> d.changed().stream().anyMatch(g -> g.id().equals("newgame"))))) {
                Thread.sleep(50);
            }
            assertEquals(Availability.DOWNLOADED, library.snapshot().games().get("newgame").availability(),
                    "the monitor saw the new folder (deltas: " + deltas + ")");
            assertTrue(deltas.stream().anyMatch(d -> d.changed().stream().anyMatch(g -> g.id().equals("newgame"))));
        } finally {
            monitor.interrupt();
            monitor.join(5000);
        }
        assertFalse(monitor.isAlive(), "the monitor stops when interrupted");
    }

    @Test
    void monitorWatchesInsideAGameFolderAgainAfterItIsRemovedAndMadeAnew(@TempDir Path games) throws Exception {
        downloaded(games, "quake3", "1", 10);
        GameLibrary library = library();
        library.setGameDirectory(games);
        Thread monitor = new Thread(() -> {
            try {
                library.runMonitor(Duration.ofMinutes(10)); // no rescan during the test: only the watches count
            } catch (InterruptedException e) {
                // stopped
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "library-monitor-test");
        try {
            monitor.start();
            Thread.sleep(300); // let it register its watches
            Files.writeString(games.resolve("quake3/version.ini"), "2\n"); // a change inside the game folder
            awaitDownloadedVersion(library, "quake3", "2");

            deleteTree(games.resolve("quake3")); // its watch ends with the folder
            awaitDownloadedVersion(library, "quake3", null);
            downloaded(games, "quake3", "3", 10);
            awaitDownloadedVersion(library, "quake3", "3");
            Thread.sleep(300); // the new folder's watch is registered when the monitor refreshes it
            Files.writeString(games.resolve("quake3/version.ini"), "4\n");
            awaitDownloadedVersion(library, "quake3", "4");
        } finally {
            monitor.interrupt();
            monitor.join(5000);
        }
    }

    private static void awaitDownloadedVersion(GameLibrary library, String id, String version) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        LocalGame game = library.snapshot().games().get(id);
        while (System.nanoTime() < deadline
                && !Objects.equals(version, game == null ? null : game.downloadedVersion())) {
            Thread.sleep(50);
            game = library.snapshot().games().get(id);
        }
        assertEquals(version, game == null ? null : game.downloadedVersion(), "the monitor saw it: " + game);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void gameDirectoryValidationNamesTheProblem(@TempDir Path dir) throws Exception {
        Path file = write(dir.resolve("a-file"), "x");
        GameLibrary library = library();
        library.setGameDirectory(dir);

        InvalidGameDirectoryException e = assertThrows(InvalidGameDirectoryException.class,
                () -> library.setGameDirectory(file));
        assertTrue(e.getMessage().contains(file.toString()) && e.getMessage().contains("is a file"), e.getMessage());
        assertEquals(dir, library.gameDirectory(), "a refused directory changes nothing");

        e = assertThrows(InvalidGameDirectoryException.class, () -> library.setGameDirectory(file.resolve("sub")));
        assertTrue(e.getMessage().contains("is a file"), e.getMessage());

        e = assertThrows(InvalidGameDirectoryException.class,
                () -> library.setGameDirectory(Path.of("/proc/lanspread-games")));
        assertTrue(e.getMessage().contains("cannot be created"), e.getMessage());

        // Not writable even for root: sysfs refuses new files.
        e = assertThrows(InvalidGameDirectoryException.class, () -> library.setGameDirectory(Path.of("/sys/kernel")));
        assertTrue(e.getMessage().contains("not writable"), e.getMessage());

        Path created = dir.resolve("new/games");
        assertEquals(created, library.setGameDirectory(created).gameDirectory());
        assertTrue(Files.isDirectory(created), "a missing directory is created");
    }

    @Test
    void manifestHashesEveryChunkAndReusesHashesUntilAFileChanges(@TempDir Path games) throws Exception {
        Path folder = downloaded(games, "big", "1", GameManifest.DEFAULT_CHUNK_SIZE * 2 + 12345);
        GameLibrary library = library();
        library.setGameDirectory(games);

        GameManifest manifest = library.manifest("big");
        assertEquals("1", manifest.version());
        assertEquals(List.of("big.rar", "version.ini"), manifest.files().stream().map(GameManifest.ManifestFile::path).toList());
        GameManifest.ManifestFile archive = manifest.files().get(0);
        byte[] bytes = Files.readAllBytes(folder.resolve("big.rar"));
        assertEquals(bytes.length, archive.size());
        assertEquals(3, archive.chunks().size());
        for (int i = 0; i < 3; i++) {
            int from = i * manifest.chunkSize();
            byte[] chunk = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + manifest.chunkSize()));
            assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(chunk)),
                    archive.chunks().get(i), "chunk " + i);
        }

        // Same size and mtime: the cached hashes are used (so a silent overwrite is not seen, by design).
        FileTime mtime = Files.getLastModifiedTime(folder.resolve("big.rar"));
        bytes[0] ^= 1;
        Files.write(folder.resolve("big.rar"), bytes);
        Files.setLastModifiedTime(folder.resolve("big.rar"), mtime);
        assertEquals(archive.chunks(), library.manifest("big").files().get(0).chunks());

        // A new mtime invalidates the cache.
        Files.setLastModifiedTime(folder.resolve("big.rar"), FileTime.fromMillis(mtime.toMillis() + 5000));
        List<String> rehashed = library.manifest("big").files().get(0).chunks();
        assertFalse(rehashed.get(0).equals(archive.chunks().get(0)));
        assertEquals(archive.chunks().subList(1, 3), rehashed.subList(1, 3));

        assertThrows(IllegalStateException.class, () -> library.manifest("missing-game"));
    }

    @Test
    void anArchiveVerdictIsRecordedAndHoldsOnlyWhileTheFilesKeepTheirNamesSizesAndTimes(@TempDir Path games)
            throws Exception {
        Path folder = downloaded(games, "quake3", "1", 1000);
        GameLibrary library = library();
        library.setGameDirectory(games);
        java.util.concurrent.atomic.AtomicInteger tests = new java.util.concurrent.atomic.AtomicInteger();
        org.lanspread.api.library.ArchiveTester passes = (dir, archives) -> {
            tests.incrementAndGet();
            assertEquals(folder, dir);
            assertEquals(List.of("quake3.rar"), archives);
            return org.lanspread.api.library.ArchiveCheck.passed(1000);
        };
        assertTrue(library.archiveCheck("quake3").isEmpty(), "never checked");

        assertTrue(library.checkArchives("quake3", passes).passed());
        assertTrue(library.checkArchives("quake3", passes).passed());
        assertEquals(1, tests.get(), "the recorded verdict is reused");
        assertTrue(library.archiveCheck("quake3").orElseThrow().passed());

        Path archive = folder.resolve("quake3.rar");
        Files.setLastModifiedTime(archive, FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() + 5000));
        assertTrue(library.archiveCheck("quake3").isEmpty(), "a changed modification time voids the verdict");
        var failed = library.checkArchives("quake3", (dir, archives) -> {
            tests.incrementAndGet();
            return org.lanspread.api.library.ArchiveCheck.failed(archive + ": CRC mismatch");
        });
        assertFalse(failed.passed());
        assertEquals(failed, library.archiveCheck("quake3").orElseThrow(), "a failed verdict is recorded too");

        write(folder.resolve("quake3.r00"), "a new volume");
        assertTrue(library.archiveCheck("quake3").isEmpty(), "a new file voids the verdict");
        library.checkArchives("quake3", (dir, archives) -> {
            Files.writeString(folder.resolve("quake3.r01"), "written while checking");
            return org.lanspread.api.library.ArchiveCheck.passed(1);
        });
        assertTrue(library.archiveCheck("quake3").isEmpty(), "files changed during the check: nothing recorded");
        assertThrows(IllegalStateException.class, () -> library.checkArchives("nothing-here", passes));
    }
}
