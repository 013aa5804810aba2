package org.lanspread.api.games;

import java.util.List;

/**
 * The whole list of games and every active operation at one moment: the authoritative state. Consumers replace
 * their state from a snapshot and ignore one whose revision is lower than one they already hold; events are hints,
 * never the source of truth.
 *
 * @param revision   monotonically increasing per runtime
 * @param games      the games, sorted by name
 * @param operations the active operations, by game id order
 */
public record GamesSnapshot(long revision, List<GameView> games, List<ActiveOperation> operations) {
    public GamesSnapshot {
        games = List.copyOf(games);
        operations = List.copyOf(operations);
    }

    public static GamesSnapshot empty() {
        return new GamesSnapshot(0, List.of(), List.of());
    }
}
