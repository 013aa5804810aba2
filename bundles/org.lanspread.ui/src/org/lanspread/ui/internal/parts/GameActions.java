package org.lanspread.ui.internal.parts;

import java.time.Duration;
import java.util.Locale;

import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.runtime.RuntimeCommand;

/** What a row shows and offers, derived from its {@link GameView} alone (no state of its own). */
final class GameActions {

    private GameActions() {
    }

    /** The one main action of a game; it follows the state and never changes for secondary actions. */
    enum Main {
        INSTALL("Install"), PLAY("Play"), UPDATE("Update"), CANCEL("Cancel"), NONE("—");

        final String label;

        Main(String label) {
            this.label = label;
        }
    }

    static Main main(GameView game) {
        if (game == null) {
            return Main.NONE;
        }
        return switch (game.state()) {
            case DOWNLOADING, INSTALLING, UPDATING, UNINSTALLING, VERIFYING, REPAIRING -> Main.CANCEL;
            case UPDATE_AVAILABLE -> Main.UPDATE;
            case INSTALLED, LOCAL_ONLY -> Main.PLAY;
            case ON_PEERS, DOWNLOADED, INCOMPLETE -> Main.INSTALL;
            case BROKEN, DAMAGED, DELETING -> Main.NONE; // a delete is not cancelled: it is committed at once
        };
    }

    /** The command a main action sends (PLAY and NONE send none: launching is the UI's own). */
    static RuntimeCommand<?> command(Main action, String gameId) {
        return switch (action) {
            case INSTALL -> new RuntimeCommand.Install(gameId);
            case UPDATE -> new RuntimeCommand.Update(gameId);
            case CANCEL -> new RuntimeCommand.Cancel(gameId);
            case PLAY, NONE -> null;
        };
    }

    /** Verify is offered for a game with a complete download and no operation running. */
    static boolean canVerify(GameView game) {
        return game != null && game.localVersion() != null && switch (game.state()) {
            case DOWNLOADED, INSTALLED, UPDATE_AVAILABLE, DAMAGED -> true;
            default -> false;
        };
    }

    /** Repair is offered where Verify is (a paused repair is a paused download: Install or Download resumes it). */
    static boolean canRepair(GameView game) {
        return canVerify(game);
    }

    /** Delete is offered for any game with a folder here and no operation running. */
    static boolean canDelete(GameView game) {
        return game != null && game.state() != GameState.ON_PEERS && !game.state().busy();
    }

    /** What the user confirms before a delete (names the game, what goes, and that peers can send it again). */
    static String deleteQuestion(GameView game, java.nio.file.Path gameDirectory) {
        String folder = gameDirectory == null ? game.id() : gameDirectory.resolve(game.id()).toString();
        String what = switch (game.state()) {
            case INSTALLED, UPDATE_AVAILABLE -> "its install and its downloaded archives (" + size(game.sizeBytes())
                    + ")";
            case LOCAL_ONLY -> "its install (there is no download to serve it from)";
            case INCOMPLETE -> "what was downloaded so far";
            default -> "its downloaded archives (" + size(game.sizeBytes()) + ")";
        };
        return "Delete " + game.name() + " from this machine?\n\nThis removes " + what + ": the folder " + folder
                + " and everything in it, saves included. " + (game.peerCount() > 0 ? game.peerCount()
                        + " peer(s) on the LAN have it and can send it again." : "No peer on the LAN has it now.");
    }

    /** Uninstall is offered for an installed game with no operation running. */
    static boolean canUninstall(GameView game) {
        return game != null && (game.state() == GameState.INSTALLED || game.state() == GameState.LOCAL_ONLY
                || game.state() == GameState.UPDATE_AVAILABLE);
    }

    /**
     * The state column: the state, and for an active operation its phase, percent, the peers a download fetches
     * from, speed and time left.
     */
    static String stateText(GameView game) {
        String state = game.state().name().toLowerCase(Locale.ROOT).replace('_', ' ');
        ActiveOperation op = game.operation();
        if (op == null) {
            return game.problem() != null ? state + ": " + game.problem() : state; // e.g. "on peers: download failed: …"
        }
        if (!op.determinate()) {
            return state + " (" + op.phase() + ")";
        }
        int percent = (int) Math.min(100, op.bytesDone() * 100 / op.bytesTotal());
        StringBuilder text = new StringBuilder(state).append(' ').append(percent).append('%');
        if (op.peers() > 0) {
            text.append(" · from ").append(op.peers()).append(op.peers() == 1 ? " peer" : " peers");
        }
        if (op.bytesPerSecond() > 0) {
            text.append(" · ").append(size(op.bytesPerSecond())).append("/s");
            long seconds = (op.bytesTotal() - op.bytesDone()) / op.bytesPerSecond();
            text.append(" · ").append(duration(Duration.ofSeconds(seconds))).append(" left");
        }
        return text.toString();
    }

    static String size(long bytes) {
        if (bytes <= 0) {
            return "";
        }
        String[] units = { "B", "KiB", "MiB", "GiB", "TiB" };
        double value = bytes;
        int unit = 0;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
    }

    static String duration(Duration d) {
        long s = d.toSeconds();
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
