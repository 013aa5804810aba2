package org.lanspread.peer.internal;

import java.time.Duration;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.archive.ExtractorSelection;
import org.lanspread.api.catalog.CatalogUnavailableException;
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
    private RuntimeSettings settings;
    private volatile RuntimeCore core;

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addExtractor(ArchiveExtractor extractor, Map<String, Object> properties) {
        Object ranking = properties.get(Constants.SERVICE_RANKING);
        extractors.put(extractor, ranking instanceof Integer i ? i : 0);
    }

    void removeExtractor(ArchiveExtractor extractor) {
        extractors.remove(extractor);
    }

    @Activate
    void activate(BundleContext bundleContext) {
        this.settings = RuntimeSettings.readWithSaved(bundleContext::getProperty,
                StateLocations.resolve(bundleContext::getProperty, () -> bundleContext.getDataFile("").toPath()));
        try {
            catalog.entries(); // load the catalog now, never on a consumer's (UI) thread at its first render
        } catch (CatalogUnavailableException e) {
            LOG.severe("the game catalog is unavailable: " + e.getMessage());
        }
        core = new RuntimeCore(settings, dependencies, 0);
        core.start();
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        RuntimeCore running = core;
        running.shutdown();
        if (!running.awaitStopped(STOP_BOUND)) {
            LOG.warning("the peer runtime did not stop within " + STOP_BOUND.toSeconds() + " s");
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

    @Override
    public GamesSnapshot snapshot() {
        return core.snapshot();
    }

    @Override
    public <R> CompletableFuture<R> submit(RuntimeCommand<R> command) {
        return core.submit(command);
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
        core.shutdown();
    }

    @Override
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return core.awaitStopped(timeout);
    }

    @Override
    public synchronized void restart() {
        RuntimeCore old = core;
        Thread restarter = new Thread(() -> {
            old.shutdown();
            try {
                old.awaitStopped(STOP_BOUND);
            } catch (InterruptedException e) {
                return;
            }
            RuntimeCore next = new RuntimeCore(old.settings(), dependencies, old.revision());
            synchronized (this) {
                core = next;
            }
            next.start();
        }, "lanspread runtime restart");
        restarter.setDaemon(true);
        restarter.start();
    }
}
