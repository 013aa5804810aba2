package org.lanspread.ui.internal.parts;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

import org.lanspread.api.catalog.CatalogEntry;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;

/**
 * The rows the Games part shows: the newest snapshot's games, filtered by a text and a scope, sorted by a column.
 * No state of its own beyond the user's view choices: every snapshot replaces the games (older revisions are
 * ignored).
 */
final class GamesModel {

    /** Which games are listed. */
    enum Scope {
        ALL("All games"), INSTALLED("Installed"), ON_LAN("Available on the LAN");

        final String label;

        Scope(String label) {
            this.label = label;
        }
    }

    /** The columns, in order, with their text and sort order. */
    enum Column {
        NAME("Name", 200), STATE("State", 340), GENRE("Genre", 120), PLAYERS("Players", 60), SIZE("Size", 75),
        LOCAL("Local", 80), ON_PEERS("On peers", 80), PEERS("Peers", 50);

        final String title;
        final int width;

        Column(String title, int width) {
            this.title = title;
            this.width = width;
        }
    }

    private final Function<String, Optional<CatalogEntry>> catalog;
    private GamesSnapshot snapshot = GamesSnapshot.empty();
    private boolean anySnapshot;
    private String filter = "";
    private Scope scope = Scope.ALL;
    private Column sortColumn = Column.NAME;
    private boolean ascending = true;
    private List<GameView> rows = List.of();

    GamesModel(Function<String, Optional<CatalogEntry>> catalog) {
        this.catalog = catalog;
    }

    /** Takes a snapshot unless it is older than the one held; returns whether it was taken. */
    boolean accept(GamesSnapshot next) {
        if (anySnapshot && next.revision() < snapshot.revision()) {
            return false; // a late delivery
        }
        snapshot = next;
        anySnapshot = true;
        recompute();
        return true;
    }

    GamesSnapshot snapshot() {
        return snapshot;
    }

    long revision() {
        return anySnapshot ? snapshot.revision() : -1;
    }

    void filter(String text) {
        filter = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        recompute();
    }

    void scope(Scope next) {
        scope = next;
        recompute();
    }

    Scope scope() {
        return scope;
    }

    /** Sorts by {@code column}; the same column again reverses the order. */
    void sortBy(Column column) {
        ascending = column != sortColumn || !ascending;
        sortColumn = column;
        recompute();
    }

    Column sortColumn() {
        return sortColumn;
    }

    boolean ascending() {
        return ascending;
    }

    List<GameView> rows() {
        return rows;
    }

    int indexOf(String gameId) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).id().equals(gameId)) {
                return i;
            }
        }
        return -1;
    }

    Optional<GameView> game(String gameId) {
        return snapshot.games().stream().filter(g -> g.id().equals(gameId)).findFirst();
    }

    Optional<CatalogEntry> entry(GameView game) {
        try {
            return catalog.apply(game.id());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    String text(GameView game, Column column) {
        return switch (column) {
            case NAME -> game.name();
            case GENRE -> entry(game).map(CatalogEntry::genre).orElse("");
            case PLAYERS -> entry(game).map(e -> e.maxPlayers() > 0 ? String.valueOf(e.maxPlayers()) : "").orElse("");
            case SIZE -> GameActions.size(game.sizeBytes());
            case LOCAL -> game.localVersion() == null ? "" : game.localVersion();
            case ON_PEERS -> game.peerVersion() == null ? "" : game.peerVersion();
            case PEERS -> game.peerCount() == 0 ? "" : String.valueOf(game.peerCount());
            case STATE -> GameActions.stateText(game);
        };
    }

    static boolean installed(GameView game) {
        return game.installedVersion() != null || game.state() == GameState.INSTALLED
                || game.state() == GameState.LOCAL_ONLY || game.state() == GameState.UPDATE_AVAILABLE
                || game.state() == GameState.UPDATING || game.state() == GameState.UNINSTALLING;
    }

    private boolean shown(GameView game) {
        boolean inScope = switch (scope) {
            case ALL -> true;
            case INSTALLED -> installed(game);
            case ON_LAN -> game.peerCount() > 0;
        };
        if (!inScope) {
            return false;
        }
        if (filter.isEmpty()) {
            return true;
        }
        return game.name().toLowerCase(Locale.ROOT).contains(filter) || game.id().contains(filter)
                || entry(game).map(e -> e.genre().toLowerCase(Locale.ROOT).contains(filter)).orElse(false);
    }

    private Comparator<GameView> comparator() {
        Comparator<GameView> byName = Comparator.comparing((GameView g) -> g.name().toLowerCase(Locale.ROOT))
                .thenComparing(GameView::id);
        Comparator<GameView> primary = switch (sortColumn) {
            case NAME -> byName;
            case GENRE -> Comparator.comparing(g -> text(g, Column.GENRE).toLowerCase(Locale.ROOT));
            case PLAYERS -> Comparator.comparingInt(g -> entry(g).map(CatalogEntry::maxPlayers).orElse(0));
            case SIZE -> Comparator.comparingLong(GameView::sizeBytes);
            case LOCAL -> Comparator.comparing(g -> text(g, Column.LOCAL));
            case ON_PEERS -> Comparator.comparing(g -> text(g, Column.ON_PEERS));
            case PEERS -> Comparator.comparingInt(GameView::peerCount);
            case STATE -> Comparator.comparing(GameView::state);
        };
        Comparator<GameView> ordered = ascending ? primary : primary.reversed();
        return ordered.thenComparing(byName);
    }

    private void recompute() {
        rows = snapshot.games().stream().filter(this::shown).sorted(comparator()).toList();
    }
}
