package org.lanspread.api.games;

import java.util.List;

/**
 * The whole list of games at one moment. Consumers replace their state from a snapshot and ignore a
 * snapshot whose revision is lower than one they already hold.
 *
 * @param revision monotonically increasing per provider
 * @param games    the games, in no particular order
 */
public record GamesSnapshot(long revision, List<GameView> games) {
    public GamesSnapshot {
        games = List.copyOf(games);
    }

    public static GamesSnapshot empty() {
        return new GamesSnapshot(0, List.of());
    }
}
