package org.lanspread.ui.internal.parts;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.resource.JFaceResources;
import org.eclipse.swt.SWT;
import org.eclipse.swt.graphics.Image;
import org.eclipse.swt.graphics.ImageData;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.lanspread.api.catalog.CatalogEntry;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;

/**
 * The Details part: the selected game's catalog metadata (description, year, players, genre, cover), where it is on
 * disk, its versions and which peers have it, and its secondary action (Uninstall). It follows the selection of the
 * Games part and re-renders from every snapshot and peer list, so it never shows a stale state.
 */
public class DetailsPart {

    private final PeerRuntime runtime;
    private final GameCatalog catalog;
    private final GamesSnapshotProvider provider;
    private final Map<String, Label> fields = new LinkedHashMap<>();
    private GamesSnapshot snapshot = GamesSnapshot.empty();
    private List<PeerSummary> peers = List.of();
    private String gameId;
    private Label title;
    private Label cover;
    private Label description;
    private Button uninstall;
    private Button verify;
    private Button repair;
    private Label message;
    private Image coverImage;

    @Inject
    public DetailsPart(@Optional PeerRuntime runtime, @Optional GameCatalog catalog,
            @Optional GamesSnapshotProvider provider) {
        this.runtime = runtime;
        this.catalog = catalog;
        this.provider = provider;
    }

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(GridLayoutFactory.fillDefaults().margins(8, 8).numColumns(2).create());
        cover = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().span(1, 2).applyTo(cover);
        title = new Label(parent, SWT.WRAP);
        title.setFont(JFaceResources.getBannerFont());
        GridDataFactory.fillDefaults().grab(true, false).applyTo(title);
        description = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().grab(true, false).hint(200, SWT.DEFAULT).applyTo(description);
        for (String name : List.of("State", "Genre", "Released", "Players", "Size", "Downloaded version",
                "Installed version", "On peers", "Peers that have it", "Folder")) {
            Label label = new Label(parent, SWT.NONE);
            label.setText(name + ":");
            GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).applyTo(label);
            Label value = new Label(parent, SWT.WRAP);
            GridDataFactory.fillDefaults().grab(true, false).hint(200, SWT.DEFAULT).applyTo(value);
            fields.put(name, value);
        }
        Composite actions = new Composite(parent, SWT.NONE);
        actions.setLayout(GridLayoutFactory.fillDefaults().numColumns(3).create());
        GridDataFactory.fillDefaults().span(2, 1).align(SWT.BEGINNING, SWT.CENTER).applyTo(actions);
        uninstall = button(actions, "Uninstall", game -> new RuntimeCommand.Uninstall(game.id()), "Uninstalling");
        verify = button(actions, "Verify files", game -> new RuntimeCommand.Verify(game.id()), "Verifying");
        repair = button(actions, "Repair", game -> new RuntimeCommand.Repair(game.id()), "Repairing");
        message = new Label(parent, SWT.WRAP);
        GridDataFactory.fillDefaults().span(2, 1).grab(true, false).hint(200, SWT.DEFAULT).applyTo(message);
        if (provider != null) {
            snapshot = provider.snapshot();
        }
        if (runtime != null) {
            Display display = parent.getDisplay();
            runtime.submit(new RuntimeCommand.ListPeers()).orTimeout(10, TimeUnit.SECONDS).thenAccept(list -> {
                if (!display.isDisposed()) {
                    display.asyncExec(() -> {
                        if (peers.isEmpty()) {
                            peersChanged(list);
                        }
                    });
                }
            });
        }
        render();
    }

    @Inject
    @Optional
    void selected(@UIEventTopic(UiTopics.SELECTED) String id) {
        gameId = id == null || id.isEmpty() ? null : id;
        if (message != null && !message.isDisposed()) {
            message.setText("");
        }
        render();
    }

    @Inject
    @Optional
    void snapshotPublished(@UIEventTopic(RuntimeTopics.SNAPSHOT) GamesSnapshot next) {
        if (next.revision() >= snapshot.revision()) {
            snapshot = next;
            render();
        }
    }

    @Inject
    @Optional
    void peersChanged(@UIEventTopic(RuntimeTopics.PEERS) List<PeerSummary> list) {
        peers = list;
        render();
    }

    GameView game() {
        return gameId == null ? null
                : snapshot.games().stream().filter(g -> g.id().equals(gameId)).findFirst().orElse(null);
    }

    private void render() {
        if (title == null || title.isDisposed()) {
            return;
        }
        GameView game = game();
        CatalogEntry entry = null;
        if (game != null && catalog != null) {
            try {
                entry = catalog.find(game.id()).orElse(null);
            } catch (RuntimeException e) {
                // no metadata: the game still shows, named by id
            }
        }
        title.setText(game == null ? "No game selected" : game.name());
        description.setText(game == null ? "Select a game to see its details."
                : entry == null ? "The catalog does not know this game." : entry.description());
        set("State", game == null ? "" : GameActions.stateText(game));
        set("Genre", entry == null ? "" : entry.genre());
        set("Released", entry == null || entry.releaseYear() <= 0 ? "" : String.valueOf(entry.releaseYear()));
        set("Players", entry == null || entry.maxPlayers() <= 0 ? "" : "up to " + entry.maxPlayers());
        set("Size", game == null ? "" : GameActions.size(game.sizeBytes()));
        set("Downloaded version", game == null || game.localVersion() == null ? "" : game.localVersion());
        set("Installed version", game == null || game.installedVersion() == null ? "" : game.installedVersion());
        set("On peers", game == null || game.peerVersion() == null ? "" : game.peerVersion()
                + " (" + game.peerCount() + " peer" + (game.peerCount() == 1 ? ")" : "s)"));
        set("Peers that have it", game == null ? "" : String.join(", ", peers.stream()
                .filter(p -> p.games().stream().anyMatch(a -> a.id().equals(game.id())))
                .map(p -> p.name() + " (" + p.games().stream().filter(a -> a.id().equals(game.id())).findFirst()
                        .map(a -> a.version()).orElse("") + ")")
                .toList()));
        Path directory = runtime == null ? null : runtime.gameDirectory();
        set("Folder", game == null || directory == null ? "" : directory.resolve(game.id()).toString());
        showCover(game == null ? null : game.id(), entry);
        uninstall.setEnabled(runtime != null && GameActions.canUninstall(game));
        verify.setEnabled(runtime != null && GameActions.canVerify(game));
        repair.setEnabled(runtime != null && GameActions.canRepair(game));
        title.getParent().layout(true, true);
    }

    private void set(String field, String value) {
        fields.get(field).setText(value);
    }

    private void showCover(String id, CatalogEntry entry) {
        if (coverImage != null) {
            coverImage.dispose();
            coverImage = null;
        }
        if (entry != null && entry.hasCover()) {
            try {
                byte[] bytes = catalog.cover(id).orElse(null);
                if (bytes != null) {
                    ImageData data = new ImageData(new ByteArrayInputStream(bytes));
                    if (data.width > 160) {
                        data = data.scaledTo(160, Math.max(1, data.height * 160 / data.width));
                    }
                    coverImage = new Image(cover.getDisplay(), data);
                }
            } catch (RuntimeException e) {
                // an unreadable cover: show none
            }
        }
        cover.setImage(coverImage);
        ((org.eclipse.swt.layout.GridData) cover.getLayoutData()).exclude = coverImage == null;
        cover.setVisible(coverImage != null);
    }

    private Button button(Composite actions, String text,
            java.util.function.Function<GameView, RuntimeCommand<OperationOutcome>> command, String doing) {
        Button button = new Button(actions, SWT.PUSH);
        button.setText(text);
        button.addListener(SWT.Selection, e -> run(command, doing));
        return button;
    }

    /** Sends the selected game's command; the message line says it runs, then how it ended (its summary). */
    private void run(java.util.function.Function<GameView, RuntimeCommand<OperationOutcome>> command, String doing) {
        GameView game = game();
        if (game == null || runtime == null) {
            return;
        }
        message.setText(doing + " " + game.name() + " …");
        message.setToolTipText(null);
        Display display = message.getDisplay();
        runtime.submit(command.apply(game)).whenComplete((outcome, error) -> {
            String text = error != null ? "Refused: " + GamesPart.rootMessage(error) : outcome.summary();
            if (!display.isDisposed()) {
                display.asyncExec(() -> {
                    if (!message.isDisposed()) {
                        message.setText(text);
                        message.setToolTipText(outcome == null ? null : outcome.message());
                        message.getParent().layout(true, true);
                    }
                });
            }
        });
    }

    @PreDestroy
    void dispose() {
        if (coverImage != null) {
            coverImage.dispose();
        }
    }

    String titleText() {
        return title.getText();
    }

    String field(String name) {
        return fields.get(name).getText();
    }

    Button uninstallButton() {
        return uninstall;
    }

    Button verifyButton() {
        return verify;
    }

    Button repairButton() {
        return repair;
    }

    Label messageLabel() {
        return message;
    }
}
