package org.lanspread.api.games;

import java.util.Objects;

/**
 * One game as a consumer shows it.
 *
 * @param id               the game id (its folder name in the game directory)
 * @param name             display name: the catalog name, else the id
 * @param state            the game's state, operations included
 * @param localVersion     the downloaded version, else the installed one, or {@code null}
 * @param installedVersion the version unpacked in local/, or {@code null}
 * @param peerVersion      the newest version peers offer, or {@code null}
 * @param peerCount        how many connected peers offer {@code peerVersion}
 * @param sizeBytes        the download's size (local, else as peers announce it), or 0
 * @param operation        the active operation, or {@code null}
 * @param problem          for {@link GameState#BROKEN} and {@link GameState#DAMAGED}: what is wrong; for a game
 *                         whose last operation failed (e.g. a download refused for lack of space): why, until its
 *                         next operation starts (since 0.6); else {@code null}
 */
public record GameView(String id, String name, GameState state, String localVersion, String installedVersion,
        String peerVersion, int peerCount, long sizeBytes, ActiveOperation operation, String problem) {

    public GameView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
