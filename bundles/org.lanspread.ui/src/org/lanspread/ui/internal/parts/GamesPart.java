package org.lanspread.ui.internal.parts;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.ColumnLabelProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.jface.viewers.TableViewerColumn;
import org.eclipse.swt.SWT;
import org.eclipse.swt.layout.GridLayout;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.runtime.RuntimeTopics;
import org.eclipse.e4.ui.di.UIEventTopic;

import java.util.function.Function;

/**
 * The Games part: one row per game. It shows the runtime's authoritative snapshot: the provider's at creation, then
 * every newer one the runtime publishes (an older revision is ignored), delivered on the UI thread by the event
 * broker.
 */
public class GamesPart {

    private final GamesSnapshotProvider provider;
    private TableViewer viewer;
    private Label summary;
    private long shownRevision = -1;

    @Inject
    public GamesPart(@Optional GamesSnapshotProvider provider) {
        this.provider = provider;
    }

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(new GridLayout(1, false));
        summary = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(summary);

        viewer = new TableViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getTable());
        column("Name", 320, GameView::name);
        column("State", 160, g -> g.state().name().replace('_', ' ').toLowerCase());
        column("Local version", 160, g -> g.localVersion() == null ? "" : g.localVersion());
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        refresh();
    }

    private void column(String title, int width, Function<GameView, String> text) {
        TableViewerColumn column = new TableViewerColumn(viewer, SWT.NONE);
        column.getColumn().setText(title);
        column.getColumn().setWidth(width);
        column.setLabelProvider(new ColumnLabelProvider() {
            @Override
            public String getText(Object element) {
                return text.apply((GameView) element);
            }
        });
    }

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

    private void show(GamesSnapshot snapshot) {
        if (snapshot.revision() < shownRevision) {
            return; // older than what is shown: a late delivery
        }
        shownRevision = snapshot.revision();
        viewer.setInput(snapshot.games());
        summary.setText(provider == null ? "The peer runtime is not available."
                : snapshot.games().size() + " game(s) in the library");
        summary.getParent().layout();
    }

    long shownRevision() {
        return shownRevision;
    }

    TableViewer viewer() {
        return viewer;
    }
}
