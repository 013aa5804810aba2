package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.Path;

import org.lanspread.peer.internal.logs.LogFile;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.ExtractorSelection;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.discovery.PeerDiscoveryFactory;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.StateLocations;
import org.lanspread.api.transport.PeerTransportFactory;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;

/**
 * The {@link PeerRuntime} service (also the {@link GamesSnapshotProvider}). Starts a runtime when activated, from
 * the framework properties (see {@link RuntimeSettings}), and stops it when deactivated. Discovery, extractors and
 * the event admin are dynamic: they may come and go (e.g. a bundle restart) while the runtime keeps running.
 * <p>
 * Activation reads the settings and returns: the start (catalog, recovery, the scan, the transport) runs on its own
 * thread, so the framework's start and the window's set-up go on meanwhile. Until it has run, the status is
 * STARTING, the snapshot is empty, and commands wait for it.
 */
@Component(service = { PeerRuntime.class, GamesSnapshotProvider.class }, immediate = true)
public class PeerRuntimeComponent implements PeerRuntime {

    private static final Logger LOG = Logger.getLogger(PeerRuntimeComponent.class.getName());
    static final Duration STOP_BOUND = Duration.ofSeconds(15);

    @Reference
    private GameLibraryFactory libraries;

    @Reference
    private PeerTransportFactory transports;

    @Reference
    private GameCatalog catalog;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile PeerDiscoveryFactory discovery;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile EventAdmin events;

    private final Map<ArchiveExtractor, Integer> extractors = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile RuntimeCore core;
    /** Completes when the current core's start has returned (running, or failed: see its status). */
    private volatile CompletableFuture<Void> started = CompletableFuture.completedFuture(null);

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addExtractor(ArchiveExtractor extractor, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        extractors.put(extractor, ranking instanceof Integer i ? i : 0);
    }

    void removeExtractor(ArchiveExtractor extractor) {
        extractors.remove(extractor);
    }

    /** The log file while this component is active (null when it cannot be written: stderr still has it all). */
    private volatile LogFile logFile;

    /**
     * A framework property: {@code false} runs no peer in this process. The start script sets it for its p2 director
     * runs (updates, plug-ins), whose framework holds the whole product: a peer there would bind the peer port,
     * announce itself on the LAN and take the state lock (a running window's) for as long as p2 works.
     */
    static final String START = "lanspread.runtime.start";

    @Activate
    void activate(BundleContext bundleContext) {
        if ("false".equals(bundleContext.getProperty(START))) {
            core = RuntimeCore.invalid(new IllegalArgumentException(START + "=false: this process runs no peer"),
                    dependencies, 0); // never started: its snapshot stays empty, its stop is immediate
            return;
        }
        Path logs = StateLocations.logDirectory(bundleContext::getProperty);
        try {
            logFile = LogFile.open(logs);
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot write the log file in " + logs + " (the log goes to stderr only): " + e);
        }
        RuntimeCore first;
        try {
            RuntimeSettings settings = RuntimeSettings.readWithSaved(bundleContext::getProperty,
                    StateLocations.resolve(bundleContext::getProperty, () -> bundleContext.getDataFile("").toPath()));
            first = new RuntimeCore(settings, dependencies, 0);
        } catch (IllegalArgumentException e) { // a setting that cannot be used: the runtime fails, naming it
            first = RuntimeCore.invalid(e, dependencies, 0);
        }
        core = first;
        started = startInBackground(first);
    }

    /** Starts {@code next} on a thread of its own; the future completes when its start has returned. */
    private CompletableFuture<Void> startInBackground(RuntimeCore next) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                next.start(); // loads the catalog first (once), never on a consumer's (UI) thread
            } finally {
                done.complete(null);
            }
        }, "lanspread runtime start");
        starter.setDaemon(true);
        starter.start();
        return done;
    }

    /** Waits for a start in progress to return, so that a stop never races it. */
    private static void awaitStart(CompletableFuture<Void> start) {
        try {
            start.get(STOP_BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warning("the peer runtime's start did not return within " + STOP_BOUND.toSeconds() + " s");
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        awaitStart(started);
        RuntimeCore running = core;
        running.shutdown();
        if (!running.awaitStopped(STOP_BOUND)) {
            LOG.warning("the peer runtime did not stop within " + STOP_BOUND.toSeconds() + " s");
        }
        LogFile log = logFile;
        if (log != null) {
            log.close();
        }
    }

    private final RuntimeDependencies dependencies = new RuntimeDependencies() {
        @Override
        public GameLibraryFactory libraries() {
            return libraries;
        }

        @Override
        public PeerTransportFactory transports() {
            return transports;
        }

        @Override
        public PeerDiscoveryFactory discovery() {
            return discovery;
        }

        @Override
        public ArchiveExtractor extractor(String preferredId) {
            return choose(Map.copyOf(extractors), preferredId);
        }

        @Override
        public ArchiveExtractor tester(String preferredId) {
            return chooseTester(Map.copyOf(extractors), preferredId);
        }

        @Override
        public GameCatalog catalog() {
            return catalog;
        }

        @Override
        public void post(String topic, Map<String, Object> properties) {
            EventAdmin admin = events;
            if (admin != null) {
                Dictionary<String, Object> copy = new Hashtable<>(properties);
                admin.postEvent(new Event(topic, copy));
            }
        }
    };

    /** The preferred extractor when registered and available, else the available one ranked highest; or null. */
    static ArchiveExtractor choose(Map<ArchiveExtractor, Integer> rankings, String preferredId) {
        return ExtractorSelection.choose(rankings.keySet(), e -> rankings.getOrDefault(e, 0), preferredId)
                .orElse(null);
    }

    /** As {@link #choose}, among the extractors that can test archives. */
    static ArchiveExtractor chooseTester(Map<ArchiveExtractor, Integer> rankings, String preferredId) {
        return ExtractorSelection.choose(rankings.keySet().stream().filter(ArchiveExtractor::tests).toList(),
                e -> rankings.getOrDefault(e, 0), preferredId).orElse(null);
    }

    @Override
    public GamesSnapshot snapshot() {
        return core.snapshot();
    }

    @Override
    public <R> CompletableFuture<R> submit(RuntimeCommand<R> command) {
        RuntimeCore target = core;
        CompletableFuture<Void> start = started;
        return start.isDone() ? target.submit(command) : start.thenCompose(ignored -> target.submit(command));
    }

    @Override
    public RuntimeStatus status() {
        return core.status();
    }

    @Override
    public java.net.InetSocketAddress listenAddress() {
        return core.listenAddress();
    }

    @Override
    public java.nio.file.Path gameDirectory() {
        return core.gameDirectory();
    }

    @Override
    public org.lanspread.api.runtime.PeerSettings settings() {
        return core.settings().peerSettings();
    }

    @Override
    public void shutdown() {
        RuntimeCore target = core;
        started.whenComplete((ignored, e) -> target.shutdown());
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return core.awaitStopped(timeout);
    }

    @Override
    public synchronized void restart() {
        RuntimeCore old = core;
        CompletableFuture<Void> oldStart = started;
        Thread restarter = new Thread(() -> {
            awaitStart(oldStart);
            old.shutdown();
            try {
                old.awaitStopped(STOP_BOUND);
            } catch (InterruptedException e) {
                return;
            }
            RuntimeCore next = old.successor();
            synchronized (this) {
                core = next;
                started = startInBackground(next);
            }
        }, "lanspread runtime restart");
        restarter.setDaemon(true);
        restarter.start();
    }
}
