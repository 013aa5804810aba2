package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.RuntimeCommand;

/**
 * A download or install refused for lack of space is refused before any write, and the refusal stays on the game's row
 * (the snapshot's problem) until the game's next operation starts. The margin the check keeps free is raised past any
 * disk here instead of filling one (HeadlessPeersTest fills a real tmpfs).
 */
class SpaceRefusalTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aRefusalForSpaceStaysOnTheRowUntilTheNextOperation() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").create()) {
            TestPeer.seedGame(seed.games, "doom", "1.9", 6 * MIB, 3);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                leech.awaitOffered("doom", 1);
                System.setProperty("lanspread.space.margin", "4000000G");
                OperationOutcome refused;
                try {
                    refused = leech.run(new RuntimeCommand.Download("doom"));
                } finally {
                    System.clearProperty("lanspread.space.margin");
                }
                System.out.println("[space] " + refused.message());
                assertEquals(Result.FAILED, refused.result(), refused.message());
                assertTrue(refused.message().matches("not enough space for the download of doom 1\\.9 in .*: it needs "
                        + "6\\.0 MiB, and 4000000\\.00 GiB stay free as a margin, but the file system has .* free; .*"),
                        refused.message());
                assertFalse(Files.exists(leech.games.resolve("doom")), "refused before any write");
                TestPeer.await("the refusal on doom's row", 10, () -> leech.game("doom").problem() != null);
                GameView row = leech.game("doom");
                assertEquals(GameState.ON_PEERS, row.state());
                assertEquals("download failed: " + refused.message(), row.problem());

                OperationOutcome downloaded = leech.run(new RuntimeCommand.Download("doom"));
                assertEquals(Result.COMPLETED, downloaded.result(), downloaded.message());
                assertNull(leech.game("doom").problem(), "gone once another operation ran");

                System.setProperty("lanspread.space.margin", "4000000G");
                OperationOutcome install;
                try {
                    install = leech.run(new RuntimeCommand.Install("doom"));
                } finally {
                    System.clearProperty("lanspread.space.margin");
                }
                assertEquals(Result.FAILED, install.result(), install.message());
                assertTrue(install.message().startsWith("not enough space for the install of doom 1.9 in "),
                        install.message());
                assertFalse(Files.exists(leech.games.resolve("doom/local")), "nothing unpacked");
                TestPeer.await("the install's refusal on the row", 10, () -> leech.game("doom").problem() != null
                        && leech.game("doom").problem().startsWith("install failed: not enough space"));
                assertEquals(GameState.DOWNLOADED, leech.game("doom").state());
            }
        }
    }
}
