package org.lanspread.ui.internal.parts;

import java.util.Locale;
import java.util.concurrent.CompletableFuture;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.core.services.events.IEventBroker;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ILazyContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Color;
import org.eclipse.swt.graphics.GC;
import org.eclipse.swt.graphics.Point;
import org.eclipse.swt.graphics.Rectangle;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Event;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Text;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.launch.GameLaunching;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.ui.internal.parts.GamesModel.Column;
import org.lanspread.ui.internal.parts.GamesModel.Scope;

/**
 * The Games part: one row per game, from the runtime's authoritative snapshot: the provider's at creation, then every
 * newer one the runtime publishes (older revisions are ignored), delivered on the UI thread by the event broker. A
 * virtual table (rows are made as they scroll into view) with a filter box, a scope (all / installed / on the LAN)
 * and sorting by any column; active operations draw a progress bar (a moving block while the total is unknown). The
 * main action follows the selected game's state (Install, Play, Update, Cancel; double-click does the same);
 * Uninstall is a secondary action in the context menu. A failed runtime shows a banner with Restart.
 */
public class GamesPart {

    private static final int SPINNER_MILLIS = 100;

    private final GamesSnapshotProvider provider;
    private final PeerRuntime runtime;
    private final GameLaunching launching;
    private final IEventBroker broker;
    private final GamesModel model;
    private Composite banner;
    private Label bannerText;
    private Button restart;
    private TableViewer viewer;
    private Text filter;
    private Combo scope;
    private Label summary;
    private Label message;
    private Button mainAction;
    private String selectedId;
    private boolean spinning;

    /** The main window, whose title shows how many games there are (absent when the part runs outside one). */
    @Inject
    @Optional
    private org.eclipse.e4.ui.model.application.ui.basic.MWindow window;

    @Inject
    public GamesPart(@Optional GamesSnapshotProvider provider, @Optional PeerRuntime runtime,
            @Optional GameCatalog catalog, @Optional GameLaunching launching, @Optional IEventBroker broker) {
        this.provider = provider;
        this.runtime = runtime;
        this.launching = launching;
        this.broker = broker;
        this.model = new GamesModel(id -> catalog == null ? java.util.Optional.empty() : catalog.find(id));
    }

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(GridLayoutFactory.fillDefaults().margins(6, 6).create());
        createBanner(parent);

        Composite header = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().numColumns(4).applyTo(header);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(header);
        filter = new Text(header, SWT.SEARCH | SWT.ICON_SEARCH | SWT.ICON_CANCEL);
        filter.setMessage("Filter by name or genre");
        GridDataFactory.fillDefaults().hint(200, SWT.DEFAULT).applyTo(filter);
        filter.addListener(SWT.Modify, e -> {
            model.filter(filter.getText());
            render();
        });
        scope = new Combo(header, SWT.READ_ONLY);
        for (Scope s : Scope.values()) {
            scope.add(s.label);
        }
        scope.select(0);
        scope.addListener(SWT.Selection, e -> {
            model.scope(Scope.values()[scope.getSelectionIndex()]);
            render();
        });
        summary = new Label(header, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(summary);
        mainAction = new Button(header, SWT.PUSH);
        GridDataFactory.fillDefaults().hint(110, SWT.DEFAULT).applyTo(mainAction);
        mainAction.addListener(SWT.Selection, e -> runMainAction(selected()));
        message = new Label(parent, SWT.NONE); // what the last action did, or why it was refused
        GridDataFactory.fillDefaults().grab(true, false).applyTo(message);

        viewer = new TableViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL | SWT.VIRTUAL | SWT.SINGLE);
        Table table = viewer.getTable();
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(table);
        for (Column column : Column.values()) {
            Columns.add(viewer, GameView.class, column.title, column.width, g -> model.text(g, column));
            TableColumn swtColumn = table.getColumn(column.ordinal());
            swtColumn.addListener(SWT.Selection, e -> {
                model.sortBy(column);
                table.setSortColumn(swtColumn);
                table.setSortDirection(model.ascending() ? SWT.UP : SWT.DOWN);
                render();
            });
        }
        table.setSortColumn(table.getColumn(Column.NAME.ordinal()));
        table.setSortDirection(SWT.UP);
        viewer.setUseHashlookup(true);
        viewer.setContentProvider(new ILazyContentProvider() {
            @Override
            public void updateElement(int index) {
                if (index < model.rows().size()) {
                    viewer.replace(model.rows().get(index), index);
                }
            }
        });
        viewer.setInput(model);
        table.addListener(SWT.Selection, e -> selectionChanged());
        table.addListener(SWT.DefaultSelection, e -> runMainAction(selected()));
        table.addListener(SWT.EraseItem, this::eraseState);
        table.addListener(SWT.PaintItem, this::paintState);
        GamesContextMenu.attach(viewer.getTable(), this::selected, this::send, runtime != null,
                () -> runtime == null ? null : runtime.gameDirectory());
        refresh();
        if (runtime != null) {
            showStatus(runtime.status());
        }
    }

    private void createBanner(Composite parent) {
        banner = new Composite(parent, SWT.BORDER);
        banner.setBackground(new Color(255, 228, 225));
        GridLayoutFactory.swtDefaults().numColumns(2).applyTo(banner);
        bannerText = new Label(banner, SWT.WRAP);
        bannerText.setBackground(banner.getBackground());
        GridDataFactory.fillDefaults().grab(true, false).align(SWT.FILL, SWT.CENTER).applyTo(bannerText);
        restart = new Button(banner, SWT.PUSH);
        restart.setText("Restart");
        restart.addListener(SWT.Selection, e -> restartRuntime());
        GridDataFactory.fillDefaults().grab(true, false).exclude(true).applyTo(banner);
        banner.setVisible(false);
    }

    // ------------------------------------------------------------------ progress in the State column

    private ActiveOperation operationAt(Event event) {
        if (event.index != Column.STATE.ordinal() || !(event.item.getData() instanceof GameView game)) {
            return null;
        }
        return game.operation();
    }

    private void eraseState(Event event) {
        if (operationAt(event) != null) {
            event.detail &= ~SWT.FOREGROUND; // the text is drawn over the bar in paintState
        }
    }

    private void paintState(Event event) {
        ActiveOperation op = operationAt(event);
        if (op == null) {
            return;
        }
        GameView game = (GameView) event.item.getData();
        TableItem item = (TableItem) event.item;
        Rectangle cell = item.getBounds(event.index);
        GC gc = event.gc;
        Display display = item.getDisplay();
        Color old = gc.getBackground();
        int barHeight = Math.max(4, cell.height - 6);
        int y = cell.y + (cell.height - barHeight) / 2;
        int width = cell.width - 6;
        gc.setBackground(display.getSystemColor(SWT.COLOR_WIDGET_LIGHT_SHADOW));
        gc.fillRectangle(cell.x + 3, y, width, barHeight);
        gc.setBackground(new Color(120, 170, 230));
        if (op.determinate()) {
            int done = (int) (width * Math.min(1.0, (double) op.bytesDone() / op.bytesTotal()));
            gc.fillRectangle(cell.x + 3, y, done, barHeight);
        } else { // a block moving back and forth: busy, amount unknown
            int block = Math.max(20, width / 5);
            long phase = System.currentTimeMillis() / 25 % (2L * (width - block));
            int x = (int) (phase < width - block ? phase : 2L * (width - block) - phase);
            gc.fillRectangle(cell.x + 3 + x, y, block, barHeight);
            spinSoon();
        }
        gc.setBackground(old);
        String text = GameActions.stateText(game);
        Point extent = gc.textExtent(text);
        gc.setForeground(display.getSystemColor(SWT.COLOR_LIST_FOREGROUND));
        gc.drawText(text, cell.x + 8, cell.y + (cell.height - extent.y) / 2, true);
    }

    /** Repaints while an indeterminate operation is visible (each paint asks for the next frame). */
    private void spinSoon() {
        if (spinning) {
            return;
        }
        spinning = true;
        viewer.getTable().getDisplay().timerExec(SPINNER_MILLIS, () -> {
            spinning = false;
            if (!viewer.getTable().isDisposed()
                    && model.snapshot().operations().stream().anyMatch(o -> !o.determinate())) {
                viewer.getTable().redraw();
            }
        });
    }

    // ------------------------------------------------------------------ actions

    /** The selected game as the newest snapshot has it. */
    GameView selected() {
        return selectedId == null ? null : model.game(selectedId).orElse(null);
    }

    private void selectionChanged() {
        int index = viewer.getTable().getSelectionIndex();
        selectedId = index >= 0 && index < model.rows().size() ? model.rows().get(index).id() : null;
        updateMainAction();
        if (broker != null) {
            broker.post(UiTopics.SELECTED, selectedId == null ? "" : selectedId);
        }
    }

    /** Selects a game's row (for the keyboard-less: tests, and the details part's links). */
    void select(String gameId) {
        int index = model.indexOf(gameId);
        if (index >= 0) {
            viewer.getTable().setSelection(index);
            viewer.getTable().showSelection();
        } else {
            viewer.getTable().deselectAll();
        }
        selectionChanged();
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
            case NONE -> setMessage(game.problem() == null ? "" : game.problem());
            default -> send(GameActions.command(action, game.id()), action.label + " " + game.name());
        }
    }

    /** Starts the game with the best registered launcher (off the UI thread: a launcher may take a moment). */
    private void play(GameView game) {
        if (launching == null) {
            setMessage("No game launcher is installed.");
            return;
        }
        setMessage("Starting " + game.name() + " …");
        Display display = viewer.getTable().getDisplay();
        CompletableFuture.supplyAsync(() -> {
            try {
                return launching.launch(game.id()).description();
            } catch (org.lanspread.api.launch.LaunchException e) {
                return "Cannot start " + game.name() + ": " + e.getMessage();
            }
        }).thenAccept(text -> {
            if (!display.isDisposed()) {
                display.asyncExec(() -> setMessage(text));
            }
        });
    }

    /** Sends a command; the outcome (or why it was refused) shows in the message line. */
    private void send(RuntimeCommand<?> command, String doing) {
        if (runtime == null || command == null) {
            return;
        }
        setMessage(doing + " …");
        Display display = viewer.getTable().getDisplay();
        runtime.submit(command).whenComplete((value, error) -> {
            String text = error != null ? "Refused: " + rootMessage(error)
                    : value instanceof OperationOutcome o ? o.message()
                    : Boolean.FALSE.equals(value) ? "Nothing to cancel: the operation had ended"
                    : Boolean.TRUE.equals(value) ? doing + " … (after the current chunk or file)"
                    : "";
            if (!display.isDisposed()) {
                display.asyncExec(() -> setMessage(text));
            }
        });
    }

    static String rootMessage(Throwable error) {
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

    // ------------------------------------------------------------------ state from the runtime

    /** Replaces the rows from the provider's current snapshot. */
    public void refresh() {
        show(provider == null ? GamesSnapshot.empty() : provider.snapshot());
    }

    /** A snapshot the runtime published. */
    @Inject
    @Optional
    void snapshotPublished(@UIEventTopic(RuntimeTopics.SNAPSHOT) GamesSnapshot snapshot) {
        if (viewer != null && !viewer.getTable().isDisposed()) {
            show(snapshot);
        }
    }

    /** The runtime's status changed: a failure shows the banner, a restart shows that it reconnects. */
    @Inject
    @Optional
    void statusChanged(@UIEventTopic(RuntimeTopics.STATUS) RuntimeStatus status) {
        if (banner != null && !banner.isDisposed()) {
            showStatus(status);
        }
    }

    /** A restart asked for here is under way: its STARTING reads as reconnecting, not as the first start. */
    private boolean restarting;

    private void showStatus(RuntimeStatus status) {
        boolean visible = status.state() != RuntimeStatus.State.RUNNING;
        bannerText.setText(switch (status.state()) {
            case FAILED -> "The peer runtime stopped: " + status.component() + " failed: " + status.error();
            case STARTING -> restarting ? "Reconnecting: the peer runtime is starting …"
                    : "Starting: reading the game directory …";
            case STOPPED -> "The peer runtime is stopped.";
            case RUNNING -> "";
        });
        restart.setEnabled(status.state() == RuntimeStatus.State.FAILED
                || status.state() == RuntimeStatus.State.STOPPED);
        if (status.state() == RuntimeStatus.State.RUNNING) {
            restarting = false;
        }
        banner.setVisible(visible);
        ((org.eclipse.swt.layout.GridData) banner.getLayoutData()).exclude = !visible;
        banner.getParent().layout(true, true);
    }

    private void restartRuntime() {
        if (runtime != null) {
            restart.setEnabled(false);
            restarting = true;
            bannerText.setText("Reconnecting: restarting the peer runtime …");
            runtime.restart();
        }
    }

    private void show(GamesSnapshot snapshot) {
        if (model.accept(snapshot)) {
            render();
        }
    }

    /** Puts the model's rows into the virtual table (only visible rows are made) and keeps the selection. */
    private void render() {
        Table table = viewer.getTable();
        table.setRedraw(false);
        try {
            viewer.setItemCount(model.rows().size());
            table.clearAll();
            int index = selectedId == null ? -1 : model.indexOf(selectedId);
            if (index >= 0) {
                table.setSelection(index);
            } else {
                table.deselectAll();
            }
        } finally {
            table.setRedraw(true);
        }
        GamesSnapshot snapshot = model.snapshot();
        int all = snapshot.games().size();
        int shown = model.rows().size();
        long active = snapshot.operations().size();
        if (window != null) {
            window.setLabel(all == 0 ? "LanSpread" : "LanSpread — " + all + " game" + (all == 1 ? "" : "s"));
        }
        summary.setText(provider == null ? "The peer runtime is not available."
                : (shown == all ? all + " game(s)" : shown + " of " + all + " game(s)")
                        + (active == 0 ? "" : String.format(Locale.ROOT, ", %d operation(s) running", active)));
        updateMainAction();
        summary.getParent().layout();
    }

    @PreDestroy
    void dispose() {
        spinning = true; // no more frames
    }

    long shownRevision() {
        return model.revision();
    }

    GamesModel model() {
        return model;
    }

    TableViewer viewer() {
        return viewer;
    }

    Text filterText() {
        return filter;
    }

    Combo scopeCombo() {
        return scope;
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
