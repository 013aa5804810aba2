package org.lanspread.ui.internal.parts;

import java.nio.file.Path;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.eclipse.swt.widgets.Table;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.runtime.RuntimeCommand;

/**
 * The Games table's context menu: the secondary actions on the selected game (Uninstall, Cancel, Remove partial
 * download, and Delete… after a confirmation).
 */
final class GamesContextMenu {

    private final Supplier<GameView> selected;
    private final BiConsumer<RuntimeCommand<?>, String> send;
    private final boolean connected;
    private final Predicate<GameView> confirm;

    /**
     * @param selected  the selected game as the newest snapshot has it, or null
     * @param send      sends a command, with what the message line says meanwhile
     * @param connected whether there is a runtime to send commands to
     * @param confirm   asks the user before a delete
     */
    private GamesContextMenu(Supplier<GameView> selected, BiConsumer<RuntimeCommand<?>, String> send,
            boolean connected, Predicate<GameView> confirm) {
        this.selected = selected;
        this.send = send;
        this.connected = connected;
        this.confirm = confirm;
    }

    /**
     * @param gameDirectory where the games are (named in the delete question), or null when unknown
     */
    static void attach(Table table, Supplier<GameView> selected, BiConsumer<RuntimeCommand<?>, String> send,
            boolean connected, Supplier<Path> gameDirectory) {
        new GamesContextMenu(selected, send, connected, game -> new MessageDialog(table.getShell(), "Delete "
                + game.name(), null, GameActions.deleteQuestion(game, gameDirectory.get()), MessageDialog.WARNING,
                1, "Delete", "Cancel").open() == 0).build(table);
    }

    private void build(Table table) {
        Menu menu = new Menu(table);
        MenuItem uninstall = item(menu, "Uninstall", game -> send.accept(new RuntimeCommand.Uninstall(game.id()),
                "Uninstalling " + game.name()));
        MenuItem cancel = item(menu, "Cancel", game -> send.accept(new RuntimeCommand.Cancel(game.id()),
                "Cancelling " + game.name()));
        MenuItem discard = item(menu, "Remove partial download", game -> send.accept(
                new RuntimeCommand.DiscardPartialDownload(game.id()), "Removing the partial download of "
                        + game.name()));
        MenuItem verify = item(menu, "Verify files", game -> send.accept(new RuntimeCommand.Verify(game.id()),
                "Verifying " + game.name()));
        MenuItem repair = item(menu, "Repair", game -> send.accept(new RuntimeCommand.Repair(game.id()),
                "Repairing " + game.name()));
        new MenuItem(menu, SWT.SEPARATOR);
        MenuItem delete = item(menu, "Delete…", game -> {
            if (confirm.test(game)) {
                send.accept(new RuntimeCommand.Delete(game.id()), "Deleting " + game.name());
            }
        });
        menu.addListener(SWT.Show, e -> {
            GameView game = selected.get();
            uninstall.setEnabled(connected && GameActions.canUninstall(game));
            cancel.setEnabled(connected && game != null && game.state().busy()
                    && game.state() != GameState.DELETING);
            delete.setEnabled(connected && GameActions.canDelete(game));
            verify.setEnabled(connected && GameActions.canVerify(game));
            repair.setEnabled(connected && GameActions.canRepair(game));
            discard.setEnabled(connected && game != null && game.state() == GameState.INCOMPLETE);
        });
        table.setMenu(menu);
    }

    private MenuItem item(Menu menu, String text, Consumer<GameView> action) {
        MenuItem item = new MenuItem(menu, SWT.PUSH);
        item.setText(text);
        item.addListener(SWT.Selection, e -> {
            GameView game = selected.get();
            if (game != null) {
                action.accept(game);
            }
        });
        return item;
    }
}
