package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.UploadLimits;

/** Settings applied while the runtime runs (live, saved, refused while busy) and per-peer transfer rates. */
class SettingsTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void settingsApplyLiveAreSavedAndRatesShowWhileDataMoves() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "ut2004", "3369", 6 * MIB, 7);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").start()) {
                assertTrue(leech.run(new RuntimeCommand.ListPeers()).isEmpty(), "no peers before the manual list");

                // The seed caps each peer at 1 MiB/s, live; the leech learns the seed from a new manual list.
                PeerSettings seedSettings = seed.core.settings().peerSettings();
                seed.run(new RuntimeCommand.ApplySettings(new PeerSettings(seedSettings.gameDirectory(),
                        new UploadLimits(0, MIB, 2), null, List.of(), false)));
                PeerSettings applied = leech.run(new RuntimeCommand.ApplySettings(new PeerSettings(leech.games,
                        UploadLimits.UNLIMITED, "junrar", List.of(seed.address()), false)));
                assertTrue(applied.confirmed(), "applied settings confirm the game directory");
                assertEquals("junrar", applied.extractor());
                leech.awaitOffered("ut2004", 1);

                long start = System.nanoTime();
                CompletableFuture<OperationOutcome> download = leech.core.submit(new RuntimeCommand.Download("ut2004"));
                TestPeer.await("the leech to report a download rate from the seed", 20,
                        () -> rate(leech, true) > 0);
                TestPeer.await("the seed to report an upload rate to the leech", 20, () -> rate(seed, false) > 0);

                // A busy runtime refuses another game directory, and then applies nothing.
                Path other = dir.resolve("elsewhere");
                ExecutionException refused = assertThrows(ExecutionException.class, () -> TestPeer.within(
                        leech.core.submit(new RuntimeCommand.ApplySettings(new PeerSettings(other,
                                new UploadLimits(1, 1, 1), null, List.of(), true))), 20, "the refused settings"));
                assertInstanceOf(OperationRefusedException.class, refused.getCause());
                assertTrue(refused.getCause().getMessage().contains("operation(s) are active"),
                        refused.getCause().getMessage());
                assertEquals(UploadLimits.UNLIMITED, leech.core.settings().uploads(), "nothing applied");
                assertFalse(Files.exists(other), "the refused directory was not created");

                OperationOutcome outcome = TestPeer.within(download, 60, "the capped download");
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(Result.COMPLETED, outcome.result(), outcome.message());
                // A chunk is paced before it is sent, so the last (at most 4 MiB) goes out once the 2 MiB before it
                // have had their time at 1 MiB/s, less a quarter second's burst; unlimited, loopback takes ~0.3 s.
                assertTrue(seconds >= 1.7, "the 1 MiB/s cap did not hold: 6 MiB in " + seconds + " s");
                TestPeer.await("rates back to zero after the transfer", 20,
                        () -> rate(leech, true) == 0 && rate(seed, false) == 0);
                assertTrue(leech.events(RuntimeTopics.PEERS).stream()
                        .map(e -> (List<?>) e.properties().get(RuntimeTopics.PEERS_PROPERTY))
                        .anyMatch(peers -> peers.stream().anyMatch(p -> ((PeerSummary) p).downBytesPerSecond() > 0)),
                        "a PEERS event carried the download rate");
            }
            // Saved for the next start; a property given at start still wins.
            RuntimeSettings saved = RuntimeSettings.readWithSaved(key -> null, dir.resolve("seed").resolve("state"));
            assertEquals(new UploadLimits(0, MIB, 2), saved.uploads());
            assertTrue(saved.confirmed());
            assertEquals(seed.games, saved.gameDirectory());
            RuntimeSettings leechSaved = RuntimeSettings.readWithSaved(Map.of(RuntimeSettings.GAME_DIR,
                    dir.resolve("given").toString())::get, dir.resolve("leech").resolve("state"));
            assertEquals(dir.resolve("given").toAbsolutePath(), leechSaved.gameDirectory());
            assertEquals(1, leechSaved.manualPeers().size());
            assertEquals("junrar", leechSaved.extractor());
        }
    }

    @Test
    void aFirstStartIsNotConfirmedAndBadSavedSettingsAreNamed() throws Exception {
        Path state = Files.createDirectories(dir.resolve("state"));
        assertFalse(RuntimeSettings.readWithSaved(key -> null, state).confirmed(), "nothing chosen yet");
        Files.writeString(state.resolve(SavedSettings.FILE), RuntimeSettings.UPLOAD_GLOBAL + "=fast\n");
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> RuntimeSettings.readWithSaved(key -> null, state));
        assertTrue(error.getMessage().contains(RuntimeSettings.UPLOAD_GLOBAL), error.getMessage());
        assertTrue(Files.exists(state.resolve(SavedSettings.FILE)), "a bad file is reported, never deleted");
    }

    /** The sum of one direction's rates over the peers this peer lists. */
    private static long rate(TestPeer peer, boolean down) {
        try {
            return peer.run(new RuntimeCommand.ListPeers()).stream()
                    .mapToLong(p -> down ? p.downBytesPerSecond() : p.upBytesPerSecond()).sum();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
