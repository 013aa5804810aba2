package org.lanspread.ui.internal.parts;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.inject.Inject;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.ArrayContentProvider;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Label;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSummary;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.AnnouncedGame;

/**
 * The Peers part: each connected peer's name, address, games offered, what it is downloading and how far, when it
 * was last heard from, and the game data moving to and from it.
 */
public class PeersPart {

    private final PeerRuntime runtime;
    private TableViewer viewer;
    private Label summary;

    @Inject
    public PeersPart(@Optional PeerRuntime runtime) {
        this.runtime = runtime;
    }

    @PostConstruct
    public void createControls(Composite parent) {
        parent.setLayout(GridLayoutFactory.fillDefaults().margins(6, 6).create());
        summary = new Label(parent, SWT.NONE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(summary);
        viewer = new TableViewer(parent, SWT.BORDER | SWT.FULL_SELECTION | SWT.V_SCROLL);
        viewer.getTable().setHeaderVisible(true);
        viewer.getTable().setLinesVisible(true);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(viewer.getTable());
        // What changes during a party first, so that it shows without scrolling in the default window (~800 px):
        // the rates and downloads; then what each peer offers; where it is and when it was heard from last.
        column("Peer", 150, PeerSummary::name);
        column("From it", 80, p -> p.downBytesPerSecond() > 0 ? StatusBar.rate(p.downBytesPerSecond()) : "");
        column("To it", 80, p -> p.upBytesPerSecond() > 0 ? StatusBar.rate(p.upBytesPerSecond()) : "");
        column("Downloading", 180, PeersPart::downloading);
        column("Games offered", 280, p -> p.games().size() + (p.games().isEmpty() ? "" : ": " + String.join(", ",
                p.games().stream().map(AnnouncedGame::id).toList())));
        column("Address", 150, p -> p.address() == null ? "" : p.address().getAddress().getHostAddress() + ":"
                + p.address().getPort());
        column("Last seen", 90, p -> p.lastSeen() == null ? "" : ago(p.lastSeen()));
        viewer.setContentProvider(ArrayContentProvider.getInstance());
        show(List.of());
        if (runtime == null) {
            summary.setText("The peer runtime is not available.");
            return;
        }
        // The current list once (off the UI thread), then every change the runtime publishes.
        Display display = parent.getDisplay();
        runtime.submit(new RuntimeCommand.ListPeers()).orTimeout(10, TimeUnit.SECONDS).thenAccept(peers -> {
            if (!display.isDisposed()) {
                display.asyncExec(() -> {
                    if (!viewer.getTable().isDisposed() && viewer.getTable().getItemCount() == 0) {
                        show(peers);
                    }
                });
            }
        });
    }

    private void column(String title, int width, Function<PeerSummary, String> text) {
        Columns.add(viewer, PeerSummary.class, title, width, text);
    }

    /** What the peer downloads: "quake3 45%, doom 3%" ("quake3 12 chunks" when the peer does not say the whole). */
    static String downloading(PeerSummary peer) {
        return String.join(", ", peer.downloading().stream().map(d -> d.gameId() + " " + (d.fraction() < 0
                ? d.chunksHeld() + " chunks" : (int) Math.floor(d.fraction() * 100) + "%")).toList());
    }

    static String ago(Instant when) {
        long seconds = Math.max(0, Duration.between(when, Instant.now()).toSeconds());
        return seconds < 5 ? "just now" : seconds < 120 ? seconds + " s ago" : seconds / 60 + " min ago";
    }

    /** The peers the runtime published. */
    @Inject
    @Optional
    void peersChanged(@UIEventTopic(RuntimeTopics.PEERS) List<PeerSummary> peers) {
        if (viewer != null && !viewer.getTable().isDisposed()) {
            show(peers);
        }
    }

    private void show(List<PeerSummary> peers) {
        viewer.setInput(peers);
        summary.setText(peers.isEmpty() ? "No peers yet: they appear as they are found on the network."
                : peers.size() + " peer(s)");
        summary.getParent().layout();
    }

    TableViewer viewer() {
        return viewer;
    }
}
