package org.lanspread.ui.internal.parts;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.IStructuredSelection;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Menu;
import org.eclipse.swt.widgets.MenuItem;
import org.lanspread.api.catalog.CatalogEntry;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;

/**
 * The Games part: one row per game, from the runtime's authoritative snapshot: the provider's at creation, then every
 * newer one the runtime publishes (older revisions are ignored), delivered on the UI thread by the event broker. The
 * main action follows the selected game's state (Install, Play, Update, Cancel; double-click does the same);
 * Uninstall is a secondary action in the context menu. A failed runtime shows a banner with Restart.
 */
public class GamesPart {

    private final GamesSnapshotProvider provider;
    private final PeerRuntime runtime;
    private final GameCatalog catalog;
    private Composite banner;
    private Label bannerText;
    private Button restart;
    private TableViewer viewer;
    private Label summary;
    private Label message;
    private Button mainAction;
    private long shownRevision = -1;
    private List<GameView> games = List.of();

    @Inject
    public GamesPart(@org.eclipse.e4.core.di.annotations.Optional GamesSnapshotProvider provider,
            @org.eclipse.e4.core.di.annotations.Optional PeerRuntime runtime,
            @org.eclipse.e4.core.di.annotations.Optional GameCatalog catalog) {
        this.provider = provider;
        this.runtime = runtime;
        this.catalog = catalog;
    }

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(GridLayoutFactory.fillDefaults().margins(6, 6).create());

        banner = new Composite(parent, SWT.BORDER);
        banner.setBackground(new org.eclipse.swt.graphics.Color(255, 228, 225));
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(banner);
        bannerText = new Label(banner, SWT.WRAP);
        bannerText.setBackground(banner.getBackground());
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(bannerText);
        restart = new Button(banner, SWT.PUSH);
        restart.setText("Restart");
        restart.addListener(SWT.Selection, e -> restartRuntime());
        GridDataFactory.fillDefaults().grab(true, false).exclude(true).applyTo(banner);
        banner.setVisible(false);

        Composite header = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(3).applyTo(header);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(header);
        summary = new Label(header, SWT.NONE);
        GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.CENTER).applyTo(summary);
        message = new Label(header, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(message);
        mainAction = new Button(header, SWT.PUSH);
        GridDataFactory.fillDefaults().hint(110, SWT.DEFAULT).applyTo(mainAction);
        mainAction.addListener(SWT.Selection, e -> runMainAction(selected()));

        viewer = new TableViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.VIRTUAL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getTable());
        column("Name", 260, GameView::name);
        column("Genre", 150, g -> entry(g).map(CatalogEntry::genre).orElse(""));
        column("Players", 60, g -> entry(g).map(e -> e.maxPlayers() > 0 ? String.valueOf(e.maxPlayers()) : "")
                .orElse(""));
        column("Size", 80, g -> GameActions.size(g.sizeBytes()));
        column("Local", 90, g -> g.localVersion() == null ? "" : g.localVersion());
        column("On peers", 90, g -> g.peerVersion() == null ? "" : g.peerVersion());
        column("Peers", 50, g -> g.peerCount() == 0 ? "" : String.valueOf(g.peerCount()));
        column("State", 280, GameActions::stateText);
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        viewer.addSelectionChangedListener(e -> updateMainAction());
        viewer.addDoubleClickListener(e -> runMainAction(selected()));
        contextMenu();
        refresh();
        if (runtime != null) {
            showStatus(runtime.status());
        }
    }

    private Optional<CatalogEntry> entry(GameView game) {
        try {
            return catalog == null ? Optional.empty() : catalog.find(game.id());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private void column(String title, int width, Function<GameView, String> text) {
        Columns.add(viewer, GameView.class, title, width, text);
    }

    private void contextMenu() {
        Menu menu = new Menu(viewer.getTable());
        MenuItem uninstall = new MenuItem(menu, SWT.PUSH);
        uninstall.setText("Uninstall");
        uninstall.addListener(SWT.Selection, e -> {
            GameView game = selected();
            if (game != null) {
                send(new RuntimeCommand.Uninstall(game.id()), "Uninstalling " + game.name());
            }
        });
        MenuItem cancel = new MenuItem(menu, SWT.PUSH);
        cancel.setText("Cancel");
        cancel.addListener(SWT.Selection, e -> {
            GameView game = selected();
            if (game != null) {
                send(new RuntimeCommand.Cancel(game.id()), "Cancelling " + game.name());
            }
        });
        MenuItem discard = new MenuItem(menu, SWT.PUSH);
        discard.setText("Remove partial download");
        discard.addListener(SWT.Selection, e -> {
            GameView game = selected();
            if (game != null) {
                send(new RuntimeCommand.DiscardPartialDownload(game.id()), "Removing the partial download of "
                        + game.name());
            }
        });
        menu.addListener(SWT.Show, e -> {
            GameView game = selected();
            uninstall.setEnabled(runtime != null && GameActions.canUninstall(game));
            cancel.setEnabled(runtime != null && game != null && game.state().busy());
            discard.setEnabled(runtime != null && game != null
                    && game.state() == org.lanspread.api.games.GameState.INCOMPLETE);
        });
        viewer.getTable().setMenu(menu);
    }

    GameView selected() {
        IStructuredSelection selection = viewer.getStructuredSelection();
        return selection.isEmpty() ? null : (GameView) selection.getFirstElement();
    }

    private void updateMainAction() {
        GameActions.Main action = GameActions.main(selected());
        mainAction.setText(action.label);
        mainAction.setEnabled(runtime != null && action != GameActions.Main.NONE);
        mainAction.getParent().layout();
    }

    void runMainAction(GameView game) {
        if (game == null || runtime == null) {
            return;
        }
        GameActions.Main action = GameActions.main(game);
        switch (action) {
            case PLAY -> play(game);
            case NONE -> message.setText(game.problem() == null ? "" : game.problem());
            default -> send(GameActions.command(action, game.id()), action.label + " " + game.name());
        }
    }

    /** Opens the install folder with the desktop's handler (game launchers come with the GameLauncher service). */
    private void play(GameView game) {
        Path folder = gameFolder(game);
        if (folder == null || !Program.launch(folder.toString())) {
            setMessage("Nothing on this desktop opens " + (folder == null ? game.name() : folder));
        }
    }

    private Path gameFolder(GameView game) {
        Path directory = runtime == null ? null : runtime.gameDirectory();
        return directory == null ? null : directory.resolve(game.id()).resolve("local");
    }

    /** Sends a command; the outcome (or why it was refused) shows in the message line. */
    private void send(RuntimeCommand<?> command, String doing) {
        if (runtime == null || command == null) {
            return;
        }
        setMessage(doing + " …");
        Display display = viewer.getTable().getDisplay();
        CompletableFuture<?> result = runtime.submit(command);
        result.whenComplete((value, error) -> {
            String text = error != null ? "Refused: " + rootMessage(error)
                    : value instanceof OperationOutcome o ? o.message()
                    : "";
            if (!display.isDisposed()) {
                display.asyncExec(() -> setMessage(text));
            }
        });
    }

    private static String rootMessage(Throwable error) {
        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    private void setMessage(String text) {
        if (!message.isDisposed()) {
            message.setText(text);
            message.setToolTipText(text);
            message.getParent().layout();
        }
    }

    /** Replaces the rows from the provider's current snapshot. */
    public void refresh() {
        show(provider == null ? GamesSnapshot.empty() : provider.snapshot());
    }

    /** A snapshot the runtime published. */
    @Inject
    @org.eclipse.e4.core.di.annotations.Optional
    void snapshotPublished(@UIEventTopic(RuntimeTopics.SNAPSHOT) GamesSnapshot snapshot) {
        if (viewer != null && !viewer.getTable().isDisposed()) {
            show(snapshot);
        }
    }

    /** The runtime's status changed: a failure shows the banner, a restart shows that it reconnects. */
    @Inject
    @org.eclipse.e4.core.di.annotations.Optional
    void statusChanged(@UIEventTopic(RuntimeTopics.STATUS) RuntimeStatus status) {
        if (banner != null && !banner.isDisposed()) {
            showStatus(status);
        }
    }

    private void showStatus(RuntimeStatus status) {
        boolean visible = status.state() != RuntimeStatus.State.RUNNING;
        bannerText.setText(switch (status.state()) {
            case FAILED -> "The peer runtime stopped: " + status.component() + " failed: " + status.error();
            case STARTING -> "Reconnecting: the peer runtime is starting …";
            case STOPPED -> "The peer runtime is stopped.";
            case RUNNING -> "";
        });
        restart.setEnabled(status.state() == RuntimeStatus.State.FAILED
                || status.state() == RuntimeStatus.State.STOPPED);
        banner.setVisible(visible);
        ((org.eclipse.swt.layout.GridData) banner.getLayoutData()).exclude = !visible;
        banner.getParent().layout(true, true);
    }

    private void restartRuntime() {
        if (runtime != null) {
            restart.setEnabled(false);
            bannerText.setText("Reconnecting: restarting the peer runtime …");
            runtime.restart();
        }
    }

    private void show(GamesSnapshot snapshot) {
        if (snapshot.revision() < shownRevision) {
            return; // older than what is shown: a late delivery
        }
        shownRevision = snapshot.revision();
        GameView selected = selected();
        games = snapshot.games();
        viewer.setInput(games);
        if (selected != null) { // keep the selection on the same game across snapshots
            games.stream().filter(g -> g.id().equals(selected.id())).findFirst()
                    .ifPresent(g -> viewer.setSelection(new org.eclipse.jface.viewers.StructuredSelection(g)));
        }
        long active = snapshot.operations().size();
        summary.setText(provider == null ? "The peer runtime is not available."
                : snapshot.games().size() + " game(s) in the library"
                        + (active == 0 ? "" : String.format(Locale.ROOT, ", %d operation(s) running", active)));
        updateMainAction();
        summary.getParent().layout();
    }

    long shownRevision() {
        return shownRevision;
    }

    TableViewer viewer() {
        return viewer;
    }

    Button mainActionButton() {
        return mainAction;
    }

    Label summaryLabel() {
        return summary;
    }

    Label messageLabel() {
        return message;
    }

    Composite banner() {
        return banner;
    }

    String bannerText() {
        return bannerText.getText();
    }

    Button restartButton() {
        return restart;
    }
}
