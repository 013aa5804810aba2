package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.transport.UploadLimits;

/** Delete: the install and the download go, the space is freed, peers stop seeing the game; never under an operation. */
class DeleteGameTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void deleteFreesInstallAndDownloadEndsTheOfferIsRefusedDuringAnOperationAndACrashIsFinished() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(0, 4 * MIB, 0)).create()) {
            TestPeer.seedGame(seed.games, "quake3", "1", 6 * MIB, 1);
            TestPeer.seedGame(seed.games, "doom", "1.9", 24 * MIB, 2);
            // A delete that a crash cut short: renamed away, not yet removed. The next start finishes it.
            Path crashed = Files.createDirectories(seed.games.resolve(".ut.deleting/local"));
            Files.writeString(crashed.resolve("ut.exe"), "half deleted");
            seed.core.start();
            assertFalse(Files.exists(seed.games.resolve(".ut.deleting")), "recovery finished the delete");
            assertNull(seed.game("ut"));
            assertEquals(Result.COMPLETED, seed.run(new RuntimeCommand.Install("quake3")).result());
            assertEquals(GameState.INSTALLED, seed.game("quake3").state());

            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                leech.awaitOffered("quake3", 1);
                leech.awaitOffered("doom", 1);
                Future<OperationOutcome> download = leech.core.submit(new RuntimeCommand.Download("doom"));
                TestPeer.await("the download to be under way", 30, () -> leech.game("doom").operation() != null
                        && leech.game("doom").operation().bytesDone() > 0);
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> leech.core.submit(new RuntimeCommand.Delete("doom")).get(10, TimeUnit.SECONDS));
                assertTrue(refused.getCause() instanceof OperationRefusedException, refused.toString());
                assertEquals(GameState.DOWNLOADING, leech.game("doom").state(), "the download goes on");

                OperationOutcome deleted = seed.run(new RuntimeCommand.Delete("quake3"));
                System.out.println("[delete] " + deleted.message());
                assertEquals(Result.COMPLETED, deleted.result(), deleted.message());
                assertEquals(OperationKind.DELETE, deleted.kind());
                long freed = Long.parseLong(deleted.message().replaceAll(".*\\((\\d+) bytes\\) freed.*", "$1"));
                assertTrue(freed >= 2 * 6 * MIB, "the archives and the install were freed: " + freed);
                try (var left = Files.list(seed.games)) {
                    assertEquals(java.util.List.of(), left.filter(p -> p.getFileName().toString().contains("quake3"))
                            .toList(), "nothing of it is left, hidden or not");
                }
                assertNull(seed.game("quake3"), "gone from the library");
                TestPeer.await("the other peer to stop seeing it offered", 10,
                        () -> leech.game("quake3") == null || leech.game("quake3").peerCount() == 0);
                assertEquals(Result.NOTHING_TO_DO, seed.run(new RuntimeCommand.Delete("quake3")).result());

                // The leech's partial download, once cancelled, is deleted with its staging.
                assertTrue(leech.run(new RuntimeCommand.Cancel("doom")));
                assertEquals(Result.CANCELLED, download.get(30, TimeUnit.SECONDS).result());
                assertEquals(GameState.INCOMPLETE, leech.game("doom").state());
                assertEquals(Result.COMPLETED, leech.run(new RuntimeCommand.Delete("doom")).result());
                assertFalse(Files.exists(leech.games.resolve("doom")));
                assertEquals(GameState.ON_PEERS, leech.game("doom").state(), "still on the seed");
            }
        }
    }
}
