package org.lanspread.launcher.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.lanspread.api.launch.GameLauncher;
import org.lanspread.api.launch.GameLaunching;
import org.lanspread.api.launch.LaunchCommands;
import org.lanspread.api.launch.LaunchException;
import org.lanspread.api.launch.LaunchTarget;
import org.lanspread.api.launch.Launched;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

/**
 * The launch service in a real framework: commands from version.ini and the catalog, real processes, the desktop
 * opener, plug-in launchers chosen by ranking, and commands that try to leave the install folder.
 */
class GameLaunchingTest {

    private GameLaunching launching;
    private Path games;
    private final List<Path> created = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() {
        launching = Services.await(GameLaunching.class);
        games = Runtimes.awaitStarted().gameDirectory();
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty(DesktopLauncher.OPENER);
        for (Path folder : created) {
            try (Stream<Path> tree = Files.walk(folder)) {
                for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** An installed game: version.ini with {@code ini} and an empty local/. */
    private Path installed(String id, String ini) throws IOException {
        Path folder = games.resolve(id);
        created.add(folder);
        Files.createDirectories(folder.resolve("local"));
        Files.writeString(folder.resolve("version.ini"), ini);
        return folder.resolve("local");
    }

    private static Path script(Path file, String body) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    @Test
    void theExecutableNamedInVersionIniRunsInsideTheInstallFolderWithItsArguments() throws Exception {
        Path local = installed("launch-me", "[game]\nversion=20240101\nlaunch = bin/run.sh \"two words\" -x\n");
        script(local.resolve("bin/run.sh"), "printf '%s|%s|%s' \"$1\" \"$2\" \"$(pwd)\" > started.txt");

        LaunchTarget target = launching.target("launch-me");
        assertEquals(List.of("bin/run.sh", "two words", "-x"), target.command());
        assertEquals(DesktopLauncher.ID, launching.launcherFor(target));
        Launched launched = launching.launch("launch-me");
        assertTrue(launched.description().startsWith("started bin/run.sh"), launched.description());

        Path marker = local.resolve("bin/started.txt");
        await("the game's process to write " + marker, () -> Files.exists(marker) && sizeOf(marker) > 0);
        assertEquals("two words|-x|" + local.resolve("bin").toRealPath(), Files.readString(marker));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Test
    void withoutACommandTheInstallFolderIsOpenedWithTheDesktopHandler() throws Exception {
        Path local = installed("no-command", "20240101\n");
        Path opened = local.getParent().resolve("opened.txt");
        Path opener = script(local.getParent().resolve("opener.sh"), "printf '%s' \"$1\" > '" + opened + "'");
        System.setProperty(DesktopLauncher.OPENER, opener.toString());

        Launched launched = launching.launch("no-command");
        assertTrue(launched.description().contains("no launch command is known"), launched.description());
        await("the opener to be called", () -> Files.exists(opened) && sizeOf(opened) > 0);
        assertEquals(local.toString(), Files.readString(opened));

        System.setProperty(DesktopLauncher.OPENER, "/nonexistent/opener");
        LaunchException missing = assertThrows(LaunchException.class, () -> launching.launch("no-command"));
        assertTrue(missing.getMessage().contains("nothing here opens folders") && missing.getMessage()
                .contains(local.toString()), missing.getMessage());
    }

    @Test
    void theCatalogCommandIsUsedAndAHigherRankedPluginLauncherTakesTheGamesItSupports() throws Exception {
        Path local = installed("quake3", "20240315\n"); // the catalog says quake3.exe
        Files.writeString(local.resolve("quake3.exe"), "MZ");
        Path opened = local.getParent().resolve("opened.txt");
        System.setProperty(DesktopLauncher.OPENER, script(local.getParent().resolve("opener.sh"),
                "printf '%s' \"$1\" > '" + opened + "'").toString());

        LaunchTarget target = launching.target("quake3");
        assertEquals(List.of("quake3.exe"), target.command());
        assertEquals("exe", target.extension());
        assertEquals("Quake III Arena", target.name());
        // The default launcher cannot run a Windows program here: it opens the folder and says why.
        Launched byDefault = launching.launch("quake3");
        assertEquals(DesktopLauncher.ID, byDefault.launcherId());
        assertTrue(byDefault.description().contains("is a Windows program"), byDefault.description());

        List<LaunchTarget> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        GameLauncher windows = new GameLauncher() {
            @Override
            public String id() {
                return "test-windows";
            }

            @Override
            public boolean supports(LaunchTarget t) {
                return t.extension().equals("exe");
            }

            @Override
            public Launched launch(LaunchTarget t) {
                started.add(t);
                return new Launched(id(), "started " + t.command().get(0) + " in a test");
            }
        };
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(Constants.SERVICE_RANKING, 100);
        ServiceRegistration<GameLauncher> registration = FrameworkUtil.getBundle(getClass()).getBundleContext()
                .registerService(GameLauncher.class, windows, properties);
        try {
            assertEquals(List.of("test-windows", DesktopLauncher.ID), launching.launchers());
            assertEquals("test-windows", launching.launch("quake3").launcherId());
            assertEquals(List.of(local), started.stream().map(LaunchTarget::installDirectory).toList());
            // A game it does not support still goes to the default launcher.
            installed("plain", "1\n");
            assertEquals(DesktopLauncher.ID, launching.launcherFor(launching.target("plain")));
        } finally {
            registration.unregister();
        }
        assertEquals(List.of(DesktopLauncher.ID), launching.launchers());
        assertEquals(DesktopLauncher.ID, launching.launcherFor(launching.target("quake3")));
    }

    @Test
    void commandsThatLeaveTheInstallFolderAndGamesNotInstalledAreRefusedByName() throws Exception {
        installed("climber", "version=1\nlaunch=../../../bin/sh\n");
        LaunchException climbs = assertThrows(LaunchException.class, () -> launching.launch("climber"));
        assertTrue(climbs.getMessage().contains("points outside the install folder")
                && climbs.getMessage().contains("version.ini"), climbs.getMessage());

        installed("absolute", "version=1\nlaunch=/bin/sh -c 'touch /tmp/x'\n");
        assertThrows(LaunchException.class, () -> launching.target("absolute"));

        Path local = installed("linked", "version=1\nlaunch=game\n");
        Files.createSymbolicLink(local.resolve("game"), Path.of("/bin/sh"));
        LaunchException linked = assertThrows(LaunchException.class, () -> launching.launch("linked"));
        assertTrue(linked.getMessage().contains("points outside"), linked.getMessage());

        installed("quoted", "version=1\nlaunch=\"run.sh\n");
        LaunchException quote = assertThrows(LaunchException.class, () -> launching.target("quoted"));
        assertTrue(quote.getMessage().contains("unclosed quote"), quote.getMessage());

        Path folder = games.resolve("downloaded-only");
        created.add(folder);
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("version.ini"), "1\n");
        LaunchException notInstalled = assertThrows(LaunchException.class, () -> launching.launch("downloaded-only"));
        assertTrue(notInstalled.getMessage().contains("is not installed"), notInstalled.getMessage());
        assertThrows(LaunchException.class, () -> launching.target("../etc"));

        installed("missing-exe", "version=1\nlaunch=bin/game\n");
        LaunchException missing = assertThrows(LaunchException.class, () -> launching.launch("missing-exe"));
        assertTrue(missing.getMessage().contains("bin/game, which is not in"), missing.getMessage());
    }

    @Test
    void launchCommandsSplitOnBlanksAndKeepQuotedWords() {
        assertEquals(List.of("a b.exe", "-x", "y"), LaunchCommands.parse(" \"a b.exe\"  -x y "));
        assertEquals(List.of(), LaunchCommands.parse("   "));
        assertEquals(List.of(""), LaunchCommands.parse("\"\""));
        assertThrows(IllegalArgumentException.class, () -> LaunchCommands.parse("\"open"));
    }
}
