package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * Bundles stopped and started again under the running runtime of this framework (the DS component): the extractor
 * bundle and the discovery bundle. The runtime keeps running, says what it lacks while a bundle is gone, and uses
 * the service again once it is back, without being restarted itself.
 */
class BundleRestartTest {

    private static final long MIB = 1024 * 1024;
    private final BundleContext context = FrameworkUtil.getBundle(BundleRestartTest.class).getBundleContext();

    @TempDir
    Path dir;

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().equals(symbolicName)).findFirst()
                .orElseThrow(() -> new AssertionError("no bundle " + symbolicName));
    }

    private static void await(String what, long seconds, java.util.function.BooleanSupplier condition)
            throws InterruptedException {
        TestPeer.await(what, seconds, condition);
    }

    @Test
    void theExtractorBundleStopsAndStartsUnderTheRunningRuntime() throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        Path before = runtime.gameDirectory();
        Path games = Files.createDirectories(dir.resolve("games"));
        TestPeer.seedGame(games, "quake3", "20240315", 2 * MIB, 4);
        runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, TimeUnit.SECONDS);
        Bundle unrar = bundle("org.lanspread.unrar");
        try {
            unrar.stop();
            OperationOutcome without = runtime.submit(new RuntimeCommand.Install("quake3")).get(60, TimeUnit.SECONDS);
            assertEquals(Result.FAILED, without.result());
            assertTrue(without.message().contains("no archive extractor is available"), without.message());
            assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state());
            assertTrue(!Files.exists(games.resolve("quake3/local")), "the failed install left nothing");

            unrar.start();
            await("an extractor to be registered again", 10, () -> context.getServiceReference(
                    org.lanspread.api.archive.ArchiveExtractor.class) != null);
            OperationOutcome with = runtime.submit(new RuntimeCommand.Install("quake3")).get(60, TimeUnit.SECONDS);
            assertEquals(Result.COMPLETED, with.result(), with.message());
            assertTrue(Files.isRegularFile(games.resolve("quake3/local/game/data.bin")));
            assertSame(runtime, Runtimes.awaitStarted(), "the same runtime, never restarted");
        } finally {
            if (unrar.getState() != Bundle.ACTIVE) {
                unrar.start();
            }
            runtime.submit(new RuntimeCommand.SetGameDir(before)).get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theDiscoveryBundleStopsAndStartsAndManualPeersAreFoundAgain() throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        PeerSettings before = runtime.settings();
        // A real peer on loopback that offers a game (its manifest is real; nothing is downloaded here).
        Path seedGames = Files.createDirectories(dir.resolve("seed-games"));
        TestPeer.seedGame(seedGames, "doom", "1.9", MIB, 5);
        GameLibrary library = Services.await(GameLibraryFactory.class).open(
                Files.createDirectories(dir.resolve("seed-state")), seedGames);
        library.scan();
        GameManifest manifest = library.manifest("doom");
        PeerTransport seed = Services.await(PeerTransportFactory.class).open(new TransportSettings(
                Files.createDirectories(dir.resolve("seed-transport")), new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0), "restart-seed", UploadLimits.UNLIMITED),
                new ContentSource() {
                    @Override
                    public List<AnnouncedGame> announced() {
                        return List.of(new AnnouncedGame("doom", "1.9", manifest.totalBytes()));
                    }

                    @Override
                    public Optional<GameManifest> manifest(String gameId) {
                        return Optional.of(manifest);
                    }
                });
        Bundle discovery = bundle("org.lanspread.discovery.mdns");
        try (seed) {
            discovery.stop();
            // Manual peers are contacted through the discovery service: while it is gone the peer stays unknown,
            // and the runtime keeps running (discovery is supervised with restarts).
            runtime.submit(new RuntimeCommand.ApplySettings(new PeerSettings(before.gameDirectory(), before.uploads(),
                    before.extractor(), List.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            seed.localAddress().getPort())), true))).get(10, TimeUnit.SECONDS);
            Thread.sleep(1500);
            assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state());
            assertTrue(runtime.snapshot().games().stream().noneMatch(g -> g.id().equals("doom")),
                    "no discovery, no manual peer");

            discovery.start();
            await("the seed's game once discovery is back", 20, () -> runtime.snapshot().games().stream()
                    .anyMatch(g -> g.id().equals("doom") && g.peerCount() == 1));
            assertSame(runtime, Runtimes.awaitStarted(), "the same runtime, never restarted");
        } finally {
            if (discovery.getState() != Bundle.ACTIVE) {
                discovery.start();
            }
            runtime.submit(new RuntimeCommand.ApplySettings(before)).get(10, TimeUnit.SECONDS);
            library.close();
        }
    }
}
