package org.lanspread.example.wine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.launch.GameLaunching;
import org.lanspread.api.launch.LaunchTarget;
import org.lanspread.api.launch.Launched;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;

/**
 * The example wine launcher as a plug-in: registered beside the default launcher, it takes Windows games only, and
 * only when wine is there (a stand-in script here: Debian's test machines have no wine), starting them through it.
 */
class WineLauncherTest {

    @TempDir
    Path dir;
    private Path game;

    @AfterEach
    void cleanUp() throws IOException {
        System.clearProperty(WineLauncher.COMMAND);
        if (game != null && Files.exists(game)) {
            try (Stream<Path> tree = Files.walk(game)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    private Path install(String id, String launch) throws IOException {
        game = Runtimes.awaitStarted().gameDirectory().resolve(id);
        Path local = Files.createDirectories(game.resolve("local"));
        Files.writeString(game.resolve("version.ini"), "version=1\nlaunch=" + launch + "\n");
        return local;
    }

    @Test
    void windowsGamesGoThroughWineWhenItIsThereAndEverythingElseToTheDefault() throws Exception {
        GameLaunching launching = Services.await(GameLaunching.class);
        assertEquals(List.of("wine", "desktop"), launching.launchers());
        Path local = install("ut99", "System/UnrealTournament.exe -log");
        Files.createDirectories(local.resolve("System"));
        Files.writeString(local.resolve("System/UnrealTournament.exe"), "MZ");

        System.setProperty(WineLauncher.COMMAND, dir.resolve("no-wine-here").toString());
        LaunchTarget target = launching.target("ut99");
        assertEquals("desktop", launching.launcherFor(target), "no wine: the default launcher takes it");

        Path marker = dir.resolve("wine-ran.txt");
        Path wine = dir.resolve("wine");
        Files.writeString(wine, "#!/bin/sh\nprintf '%s|%s|%s|%s' \"$1\" \"$2\" \"$(pwd)\" \"$WINEDEBUG\" > '"
                + marker + "'\n");
        Files.setPosixFilePermissions(wine, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty(WineLauncher.COMMAND, wine.toString());
        assertEquals("wine", launching.launcherFor(target));
        Launched launched = launching.launch("ut99");
        assertEquals("wine", launched.launcherId());
        assertTrue(launched.description().startsWith("started System/UnrealTournament.exe with wine"),
                launched.description());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!(Files.exists(marker) && Files.size(marker) > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertEquals(local.resolve("System/UnrealTournament.exe") + "|-log|" + local.resolve("System").toRealPath()
                + "|-all", Files.readString(marker));
    }

    @Test
    void gamesThatAreNotWindowsProgramsAreNotTaken() throws Exception {
        GameLaunching launching = Services.await(GameLaunching.class);
        Path wine = Files.writeString(dir.resolve("wine"), "#!/bin/sh\nexit 0\n");
        Files.setPosixFilePermissions(wine, PosixFilePermissions.fromString("rwxr-xr-x"));
        System.setProperty(WineLauncher.COMMAND, wine.toString());
        Path local = install("openarena", "openarena.x86_64");
        Files.writeString(local.resolve("openarena.x86_64"), "#!/bin/sh\n");
        assertEquals("desktop", launching.launcherFor(launching.target("openarena")));
        assertFalse(new WineLauncher().supports(new LaunchTarget("x", "X", local, List.of())),
                "a game without a command is not wine's either");
    }
}
