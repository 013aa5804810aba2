package org.lanspread.ui.internal.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.OperationKind;

/** The main action and the state text of a row, for every state. */
class GameActionsTest {

    private static GameView game(GameState state, ActiveOperation operation) {
        return new GameView("quake3", "Quake III Arena", state, "1", state == GameState.INSTALLED ? "1" : null, "2", 1,
                100, operation, state == GameState.BROKEN ? "version.ini: no version"
                        : state == GameState.DAMAGED ? "quake3.rar: CRC mismatch" : null);
    }

    @Test
    void theMainActionFollowsEveryState() {
        Map<GameState, GameActions.Main> expected = new EnumMap<>(GameState.class);
        expected.put(GameState.ON_PEERS, GameActions.Main.INSTALL);
        expected.put(GameState.DOWNLOADING, GameActions.Main.CANCEL);
        expected.put(GameState.DOWNLOADED, GameActions.Main.INSTALL);
        expected.put(GameState.INSTALLING, GameActions.Main.CANCEL);
        expected.put(GameState.INSTALLED, GameActions.Main.PLAY);
        expected.put(GameState.UPDATE_AVAILABLE, GameActions.Main.UPDATE);
        expected.put(GameState.UPDATING, GameActions.Main.CANCEL);
        expected.put(GameState.UNINSTALLING, GameActions.Main.CANCEL);
        expected.put(GameState.LOCAL_ONLY, GameActions.Main.PLAY);
        expected.put(GameState.INCOMPLETE, GameActions.Main.INSTALL);
        expected.put(GameState.BROKEN, GameActions.Main.NONE);
        expected.put(GameState.DAMAGED, GameActions.Main.NONE);
        expected.put(GameState.DELETING, GameActions.Main.NONE);
        expected.put(GameState.VERIFYING, GameActions.Main.CANCEL);
        expected.put(GameState.REPAIRING, GameActions.Main.CANCEL);
        assertEquals(GameState.values().length, expected.size(), "every state has a main action");
        expected.forEach((state, action) -> assertEquals(action, GameActions.main(game(state, null)), state.name()));
        assertTrue(GameActions.canUninstall(game(GameState.INSTALLED, null)));
        assertFalse(GameActions.canUninstall(game(GameState.DOWNLOADED, null)));
        assertFalse(GameActions.canUninstall(game(GameState.UNINSTALLING, null)));
        assertTrue(GameActions.canVerify(game(GameState.INSTALLED, null)));
        assertTrue(GameActions.canVerify(game(GameState.DAMAGED, null)));
        assertFalse(GameActions.canVerify(game(GameState.ON_PEERS, null)));
        assertFalse(GameActions.canVerify(game(GameState.VERIFYING, null)));
        assertTrue(GameActions.canRepair(game(GameState.DAMAGED, null)));
        assertFalse(GameActions.canRepair(game(GameState.REPAIRING, null)));
        for (GameState state : GameState.values()) { // Delete: anything with a folder here, no operation running
            assertEquals(state != GameState.ON_PEERS && !state.busy(), GameActions.canDelete(game(state, null)),
                    state.name());
        }
    }

    @Test
    void aFailureOnTheRowIsShownBesideTheState() {
        GameView refused = new GameView("doom", "Doom", GameState.ON_PEERS, null, null, "1.9", 1, 6 << 20, null,
                "download failed: not enough space for the download of doom 1.9");
        assertEquals("on peers: download failed: not enough space for the download of doom 1.9",
                GameActions.stateText(refused));
        assertEquals("installed", GameActions.stateText(game(GameState.INSTALLED, null)));
    }

    @Test
    void anActiveOperationShowsPercentPeersSpeedAndTimeLeftOrItsPhase() {
        ActiveOperation running = new ActiveOperation("quake3", OperationKind.DOWNLOAD, "fetching", 42L << 20,
                100L << 20, 2L << 20, Instant.now());
        assertEquals("downloading 42% · 2.0 MiB/s · 0:29 left",
                GameActions.stateText(game(GameState.DOWNLOADING, running)));
        ActiveOperation fromThree = new ActiveOperation("quake3", OperationKind.DOWNLOAD, "fetching", 42L << 20,
                100L << 20, 2L << 20, Instant.now(), 3);
        assertEquals("downloading 42% · from 3 peers · 2.0 MiB/s · 0:29 left",
                GameActions.stateText(game(GameState.DOWNLOADING, fromThree)));
        ActiveOperation swapping = new ActiveOperation("quake3", OperationKind.UPDATE, "swapping", 0, 0, 0,
                Instant.now());
        assertEquals("updating (swapping)", GameActions.stateText(game(GameState.UPDATING, swapping)));
        assertEquals("broken: version.ini: no version", GameActions.stateText(game(GameState.BROKEN, null)));
        assertEquals("damaged: quake3.rar: CRC mismatch", GameActions.stateText(game(GameState.DAMAGED, null)));
        assertEquals("update available", GameActions.stateText(game(GameState.UPDATE_AVAILABLE, null)));
    }
}
