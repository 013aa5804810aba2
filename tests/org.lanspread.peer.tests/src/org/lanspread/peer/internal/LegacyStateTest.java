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

/**
 * An older LanSpread's JSON state file in the state directory is imported by the runtime's first start, once, and
 * kept as {@code *.imported}; the disk decides what each game is, so a game the file lists but the disk lacks is
 * neither shown as downloaded nor announced to peers.
 */
class LegacyStateTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void theOldStateFileIsImportedOnceAtTheFirstStartAndTheDiskDecides() throws Exception {
        try (TestPeer other = TestPeer.builder(dir, "other").start()) {
            TestPeer peer = TestPeer.builder(dir, "peer").seeds(other).create();
            TestPeer.seedGame(peer.games, "ut", "2", MIB, 1);
            Files.createDirectories(peer.games.resolve("ut/local"));
            Files.writeString(peer.games.resolve("ut/local/ut.exe"), "unpacked by the older app: no install marker");
            Files.createDirectories(peer.state);
            Path json = Files.writeString(peer.state.resolve("library.json"), """
                    {"games": [
                      {"id": "ghost", "version": "1", "availability": "Downloaded", "size": 1048576,
                       "manifest_hash": "d41d8cd98f00b204e9800998ecf8427e"},
                      {"id": "ut", "version": "2", "installed_version": "1", "availability": "DownloadedAndInstalled"}
                    ]}
                    """);
            try (peer) {
                peer.core.start();
                assertEquals("1", peer.game("ut").installedVersion(), "the old install's version was taken");
                assertEquals("2", peer.game("ut").localVersion());
                GameView ghost = peer.game("ghost");
                assertTrue(ghost == null || ghost.state() == GameState.ON_PEERS,
                        "a game the disk lacks is not shown as downloaded: " + ghost);
                assertFalse(Files.exists(json), "read once");
                assertTrue(Files.exists(peer.state.resolve("library.json.imported")), "kept, not deleted");
                String notices = String.join("\n", peer.core.status().notices());
                assertTrue(notices.contains("library.json") && notices.contains("ut 1") && notices.contains("ghost"),
                        "the import is reported with what it took and what it did not: " + notices);

                other.awaitOffered("ut", 1);
                assertNull(other.game("ghost"), "never announced");
            }

            // A state file that turns up once the database exists is not imported: the database is the state now.
            Files.writeString(peer.state.resolve("library.json"),
                    "{\"games\": [{\"id\": \"ut\", \"installed_version\": \"0.9\"}]}");
            Files.delete(peer.games.resolve("ut/local/.lanspread.json"));
            try (TestPeer again = TestPeer.builder(dir, "peer").seeds(other).start()) {
                assertNull(again.game("ut").installedVersion(), "the file was not read a second time");
                assertTrue(Files.exists(again.state.resolve("library.json")), "and was left alone");
            }
        }
    }
}
