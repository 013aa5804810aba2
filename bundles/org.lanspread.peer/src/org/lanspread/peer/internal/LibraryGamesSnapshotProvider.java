package org.lanspread.peer.internal;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lanspread.api.catalog.CatalogUnavailableException;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.LibrarySnapshot;
import org.lanspread.api.library.LocalGame;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The games snapshot from the local library, named by the catalog. Peers and active operations join it with
 * the peer runtime. The initial scan runs when the component activates, not on a consumer's (UI) thread.
 */
@Component(service = GamesSnapshotProvider.class, immediate = true)
public class LibraryGamesSnapshotProvider implements GamesSnapshotProvider {

    private static final Logger LOG = Logger.getLogger(LibraryGamesSnapshotProvider.class.getName());

    @Reference
    private GameLibrary library;

    @Reference
    private GameCatalog catalog;

    @Activate
    void activate() {
        try {
            library.scan();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "initial scan of " + library.gameDirectory() + " failed; showing the last known state", e);
        }
        try {
            catalog.entries(); // load the catalog here, not on a consumer's (UI) thread at its first render
        } catch (CatalogUnavailableException e) {
            LOG.log(Level.SEVERE, "the game catalog is unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public GamesSnapshot snapshot() {
        LibrarySnapshot local = library.snapshot();
        List<GameView> games = local.games().values().stream()
                .map(g -> new GameView(g.id(), catalog.displayName(g.id()), state(g), version(g)))
                .sorted(Comparator.comparing(GameView::name, String.CASE_INSENSITIVE_ORDER))
                .toList();
        return new GamesSnapshot(local.revision(), games);
    }

    private static String version(LocalGame game) {
        return game.downloadedVersion() != null ? game.downloadedVersion() : game.installedVersion();
    }

    static GameState state(LocalGame game) {
        return switch (game.availability()) {
            case DOWNLOADED -> GameState.DOWNLOADED;
            case DOWNLOADED_AND_INSTALLED -> GameState.INSTALLED;
            case LOCAL_ONLY -> GameState.LOCAL_ONLY;
            case INCOMPLETE -> GameState.INCOMPLETE;
            case BROKEN -> GameState.BROKEN;
        };
    }
}
