package org.lanspread.api.games;

import java.util.Objects;

/**
 * One game as a consumer shows it.
 *
 * @param id           the game id (its folder name in the game directory)
 * @param name         display name: the catalog name, else the id
 * @param state        the game's state
 * @param localVersion the version on disk, or {@code null} when there is none
 */
public record GameView(String id, String name, GameState state, String localVersion) {
    public GameView {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(state, "state");
    }
}
