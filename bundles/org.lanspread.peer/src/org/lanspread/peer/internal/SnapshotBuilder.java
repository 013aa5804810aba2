package org.lanspread.peer.internal;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.LocalGame;

/** Builds the authoritative snapshot of every game: the disk, the peers' offers and the active operations. */
final class SnapshotBuilder {

    private SnapshotBuilder() {
    }

    static GamesSnapshot build(long rev, GameLibrary lib, PeerDirectory directory, OperationState operations,
            GameCatalog catalog, Function<LocalGame, ArchiveCheck> failedChecks, Function<String, String> lastFailure) {
        Map<String, LocalGame> local = lib == null ? Map.of() : lib.snapshot().games();
        Map<String, PeerDirectory.Best> onPeers = directory.bestVersions();
        List<ActiveOperation> active = operations.snapshot();
        Map<String, ActiveOperation> byGame = new HashMap<>();
        active.forEach(o -> byGame.put(o.gameId(), o));
        Set<String> ids = new java.util.TreeSet<>(local.keySet());
        ids.addAll(onPeers.keySet());
        ids.addAll(byGame.keySet());
        List<GameView> games = new ArrayList<>();
        for (String id : ids) {
            LocalGame game = local.get(id);
            PeerDirectory.Best best = onPeers.get(id);
            ActiveOperation operation = byGame.get(id);
            String name = id;
            if (catalog != null) {
                try {
                    name = catalog.displayName(id);
                } catch (RuntimeException e) {
                    name = id;
                }
            }
            String localVersion = game == null ? null
                    : game.downloadedVersion() != null ? game.downloadedVersion() : game.installedVersion();
            long size = game != null && game.downloadBytes() > 0 ? game.downloadBytes()
                    : best != null ? best.game().sizeBytes() : 0;
            ArchiveCheck failed = game == null || operation != null ? null : failedChecks.apply(game);
            GameState state = failed != null ? GameState.DAMAGED : state(game, best, operation);
            String problem = failed != null ? failed.problem() : game != null && game.problem() != null
                    ? game.problem() : operation == null ? lastFailure.apply(id) : null;
            games.add(new GameView(id, name, state, localVersion, game == null ? null : game.installedVersion(),
                    best == null ? null : best.game().version(), best == null ? 0 : best.peers(), size, operation,
                    problem));
        }
        games.sort(Comparator.comparing(GameView::name, String.CASE_INSENSITIVE_ORDER).thenComparing(GameView::id));
        return new GamesSnapshot(rev, games, active);
    }

    static GameState state(LocalGame game, PeerDirectory.Best best, ActiveOperation operation) {
        if (operation != null) {
            return switch (operation.kind()) {
                case DOWNLOAD -> GameState.DOWNLOADING;
                case INSTALL -> GameState.INSTALLING;
                case UPDATE -> GameState.UPDATING;
                case UNINSTALL -> GameState.UNINSTALLING;
                case DELETE -> GameState.DELETING;
                case VERIFY -> GameState.VERIFYING;
                case REPAIR -> GameState.REPAIRING;
            };
        }
        if (game == null) {
            return GameState.ON_PEERS;
        }
        boolean newerOnPeers = best != null && game.downloadedVersion() != null
                && Versions.compare(best.game().version(), game.downloadedVersion()) > 0;
        return switch (game.availability()) {
            case DOWNLOADED -> GameState.DOWNLOADED;
            case DOWNLOADED_AND_INSTALLED -> game.updatePending() || newerOnPeers ? GameState.UPDATE_AVAILABLE
                    : GameState.INSTALLED;
            case LOCAL_ONLY -> GameState.LOCAL_ONLY;
            case INCOMPLETE -> GameState.INCOMPLETE;
            case BROKEN -> GameState.BROKEN;
        };
    }
}
