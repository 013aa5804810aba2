package org.lanspread.peer.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.games.ActiveOperation;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.InvalidGameDirectoryException;
import org.lanspread.api.library.LibraryDelta;
import org.lanspread.api.library.LocalGame;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.runtime.PeerSettings;

/**
 * One run of a peer, from one initialized context: the game directory is opened directly, recovery and the initial
 * scan run before anything talks to the network, then the transport server (Required), discovery (Restart 5 s),
 * liveness (Restart 5 s), the library monitor (BestEffort) and the command loop start under supervision. Every thread
 * belongs to the root task group, so {@link #shutdown()} cancels and joins everything.
 */
final class RuntimeCore {

    private static final Logger LOG = Logger.getLogger(RuntimeCore.class.getName());
    static final Duration RESTART_DELAY = Duration.ofSeconds(5);
    static final Duration LIVENESS_INTERVAL = Duration.ofMillis(250);
    static final Duration RESCAN_INTERVAL = Duration.ofSeconds(60);
    static final long PROGRESS_PUBLISH_NANOS = 250_000_000L;

    private volatile RuntimeSettings settings;
    private final IllegalArgumentException invalid;
    private final RuntimeDependencies deps;
    private final TaskGroup root;
    private final TaskGroup operationsGroup;
    private final Supervisor supervisor;
    private final OperationState operations;
    private final PeerDirectory directory;
    private final BlockingQueue<Runnable> commands = new LinkedBlockingQueue<>();
    private final Map<String, Download> downloads = new ConcurrentHashMap<>();
    private final AtomicLong revision = new AtomicLong();
    private final AtomicReference<RuntimeStatus> status = new AtomicReference<>(RuntimeStatus.of(RuntimeStatus.State.STARTING));
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Object stopLock = new Object();
    private volatile GameLibrary library;
    private volatile PeerTransport transport;
    private volatile PeerConnections connections;
    private volatile PeerWatch peers;
    private volatile StateLock stateLock;
    private volatile GamesSnapshot snapshot = GamesSnapshot.empty();
    private volatile long lastProgressPublish;
    private volatile boolean stopping;
    private final List<AutoCloseable> registrations = new ArrayList<>();

    RuntimeCore(RuntimeSettings settings, RuntimeDependencies deps, long revisionBase) {
        this(settings, null, deps, revisionBase);
    }

    /** A runtime that cannot start: its settings are invalid ({@code why} names the setting); it fails at once. */
    static RuntimeCore invalid(IllegalArgumentException why, RuntimeDependencies deps, long revisionBase) {
        return new RuntimeCore(null, why, deps, revisionBase);
    }

    private RuntimeCore(RuntimeSettings settings, IllegalArgumentException invalid, RuntimeDependencies deps,
            long revisionBase) {
        this.settings = settings;
        this.invalid = invalid;
        this.deps = deps;
        this.root = TaskGroup.root("runtime");
        this.operationsGroup = root.child("operations");
        this.supervisor = new Supervisor(root.child("services"), this::requiredServiceFailed);
        this.operations = new OperationState(progressOnly -> publish(progressOnly));
        this.directory = new PeerDirectory(new PeerDirectory.Listener() {
            @Override
            public void peersChanged() {
                RuntimeCore.this.peersChanged();
            }

            @Override
            public void ratesChanged() {
                postPeers();
            }
        });
        this.revision.set(revisionBase);
    }

    // ------------------------------------------------------------------ start and stop

    /**
     * Starts the runtime. Returns once the services run, or once the runtime failed to start (see {@link #status()}).
     */
    void start() {
        setStatus(RuntimeStatus.of(RuntimeStatus.State.STARTING));
        if (invalid != null) {
            fail("settings", invalid);
            return;
        }
        RuntimeSettings settings = this.settings;
        try {
            stateLock = StateLock.acquire(settings.stateDirectory());
        } catch (IOException | RuntimeException e) {
            fail(e instanceof StateLock.HeldException ? StateLock.COMPONENT : "state", e);
            return;
        }
        try {
            // The initial game directory is installed directly: no command sent to ourselves.
            library = deps.libraries().open(settings.stateDirectory(), settings.gameDirectory());
            registrations.add(library.addListener(this::libraryChanged));
            for (String line : GameTransactions.recover(library.gameDirectory(), Set.of())) {
                LOG.info("recovery: " + line);
            }
            library.scan(); // before discovery: peers see our library from the first hello
        } catch (IOException | InvalidGameDirectoryException | RuntimeException e) {
            fail("library", e);
            return;
        }
        try {
            transport = deps.transports().open(new TransportSettings(settings.stateDirectory(), settings.bind(),
                    settings.name(), settings.uploads()), content);
        } catch (IOException | RuntimeException e) {
            fail("transport", e);
            return;
        }
        connections = new PeerConnections(transport, directory);
        peers = new PeerWatch(() -> this.settings, deps, transport, connections, directory, root, () -> stopping);
        registrations.add(transport.addListener(peers.listener));
        supervisor.start("transport", new Supervisor.Policy.Required(), this::runTransport);
        supervisor.start("discovery", new Supervisor.Policy.Restart(RESTART_DELAY), peers::runDiscovery);
        for (int i = 1; i <= peers.dialer().limits().workers(); i++) {
            supervisor.start("dialer " + i, new Supervisor.Policy.Restart(RESTART_DELAY), peers::runDialer);
        }
        supervisor.start("liveness", new Supervisor.Policy.Restart(RESTART_DELAY), this::runLiveness);
        supervisor.start("library-monitor", new Supervisor.Policy.BestEffort(), this::runMonitor);
        supervisor.start("commands", new Supervisor.Policy.Required(), this::runCommands);
        setStatus(RuntimeStatus.of(RuntimeStatus.State.RUNNING));
        publish(false);
    }

    /** A failure before the services ran, or a Required service's crash: stop everything and say why. */
    private void fail(String component, Throwable error) {
        String message = Supervisor.describe(error);
        // A setting that cannot be used is the user's to fix: its message says all, a stack trace would bury it.
        LOG.log(Level.SEVERE, "the peer runtime failed: " + component + ": " + message,
                error == invalid || error instanceof StateLock.HeldException ? null : error);
        setStatus(RuntimeStatus.failed(component, message));
        deps.post(RuntimeTopics.RUNTIME_FAILED, Map.of(RuntimeTopics.COMPONENT, component, RuntimeTopics.ERROR,
                message));
        Thread stopper = new Thread(() -> stop(false), "lanspread runtime stop after failure");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void requiredServiceFailed(String component, Throwable error) {
        if (!stopping) {
            fail(component, error);
        }
    }

    /** Requests a graceful stop: silent (no RuntimeFailed). */
    void shutdown() {
        Thread stopper = new Thread(() -> stop(true), "lanspread runtime shutdown");
        stopper.setDaemon(true);
        stopper.start();
    }

    private void stop(boolean graceful) {
        synchronized (stopLock) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        try {
            operations.cancelAll(graceful ? "the peer is shutting down" : "the peer runtime failed");
            root.cancel("stopping");
            PeerWatch watch = peers;
            if (watch != null) {
                watch.closeDiscovery(); // no more probes or connects from here
            }
            // Operations finish their current chunk or entry and roll back; bounded so a stuck disk cannot hang exit.
            if (!operationsGroup.join(Duration.ofSeconds(10))) {
                LOG.warning("operations did not stop within 10 s:" + operationsGroup.stacks());
            }
            PeerConnections open = connections;
            if (open != null) {
                open.close(); // no new connections; the transport ends the open ones below
            }
            PeerTransport server = transport;
            if (server != null) {
                server.close(); // goodbye to every peer (ours and theirs) together, within 1.5 s, then stop
            }
            if (!root.join(Duration.ofSeconds(3))) {
                LOG.warning("runtime tasks still running after the stop: " + root.running());
            }
            for (AutoCloseable registration : registrations) {
                try {
                    registration.close();
                } catch (Exception e) {
                    // nothing to undo
                }
            }
            GameLibrary lib = library;
            if (lib != null) {
                lib.close();
            }
            StateLock lock = stateLock;
            if (lock != null) {
                lock.close(); // last: the next runtime on this state directory may start now
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (status().state() != RuntimeStatus.State.FAILED) {
                setStatus(RuntimeStatus.of(RuntimeStatus.State.STOPPED));
            }
            stopped.countDown();
        }
    }

    boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    RuntimeStatus status() {
        return status.get();
    }

    private void setStatus(RuntimeStatus next) {
        status.set(next);
        deps.post(RuntimeTopics.STATUS, Map.of(RuntimeTopics.STATUS_PROPERTY, next, RuntimeTopics.E4_DATA, next));
    }

    long revision() {
        return revision.get();
    }

    InetSocketAddress listenAddress() {
        PeerTransport server = transport;
        return server == null || stopping ? null : server.localAddress();
    }

    Path gameDirectory() {
        GameLibrary lib = library;
        return lib != null ? lib.gameDirectory() : settings == null ? null : settings.gameDirectory();
    }

    /** The settings in use, with the game directory actually open. */
    /** A new core with this one's settings (valid or not) and revisions, for a restart. */
    RuntimeCore successor() {
        return new RuntimeCore(invalid == null ? settings() : null, invalid, deps, revision());
    }

    RuntimeSettings settings() {
        if (invalid != null) {
            throw new IllegalStateException("the peer's settings are invalid: " + invalid.getMessage());
        }
        return settings.withGameDirectory(gameDirectory());
    }

    // ------------------------------------------------------------------ supervised services

    private void runTransport(CancelToken token) throws Exception {
        try {
            transport.stopped().toCompletableFuture().get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
        if (!token.isCancelled()) {
            throw new IOException("the transport stopped listening");
        }
    }

    private void runLiveness(CancelToken token) throws InterruptedException {
        Rates rates = new Rates();
        while (!token.isCancelled()) {
            rates.sample(transport.traffic(), System.nanoTime()).ifPresent(directory::rates);
            for (Download download : downloads.values()) {
                boolean offered = directory.offering(download.gameId()).values().stream()
                        .anyMatch(g -> g.version().equals(download.version()));
                if (!offered) {
                    download.allPeersGone();
                }
            }
            peers.connectMissing();
            Thread.sleep(LIVENESS_INTERVAL.toMillis());
        }
    }

    private void runMonitor(CancelToken token) throws Exception {
        while (!token.isCancelled()) {
            library.runMonitor(RESCAN_INTERVAL); // returns when the directory is switched: watch the new one
        }
    }

    private void runCommands(CancelToken token) throws InterruptedException {
        while (true) {
            Runnable command = commands.poll(100, TimeUnit.MILLISECONDS);
            if (command != null) {
                command.run();
            } else if (token.isCancelled()) {
                return; // a requested stop: silent
            }
        }
    }

    private static void waitCancelled(CancelToken token) throws InterruptedException {
        while (!token.isCancelled()) {
            Thread.sleep(100);
        }
    }

    // ------------------------------------------------------------------ peers and content

    /** Manifests served, cached until the game's folder changes. */
    private final Map<String, GameManifest> manifests = new ConcurrentHashMap<>();

    /** What we serve: complete games with no active operation, only. */
    private final ContentSource content = new ContentSource() {
        @Override
        public List<AnnouncedGame> announced() {
            GameLibrary lib = library;
            return lib == null ? List.of() : lib.snapshot().games().values().stream().filter(RuntimeCore.this::served)
                    .map(RuntimeCore::announcement).toList();
        }

        @Override
        public Optional<GameManifest> manifest(String gameId) {
            LocalGame game = library.snapshot().games().get(gameId);
            if (game == null || !served(game)) {
                return Optional.empty();
            }
            GameManifest cached = manifests.get(gameId);
            if (cached != null && cached.version().equals(game.downloadedVersion())) {
                return Optional.of(cached);
            }
            try {
                GameManifest manifest = library.manifest(gameId);
                manifests.put(gameId, manifest);
                return Optional.of(manifest);
            } catch (IOException | IllegalStateException e) {
                LOG.warning("cannot make the manifest of " + gameId + ": " + e.getMessage());
                return Optional.empty();
            }
        }

        @Override
        public Optional<Path> gameFolder(String gameId) {
            LocalGame game = library.snapshot().games().get(gameId);
            return game != null && served(game) ? Optional.of(library.gameDirectory().resolve(gameId))
                    : Optional.empty();
        }
    };

    private boolean served(LocalGame game) {
        return game.availability().downloaded() && !operations.isActive(game.id());
    }

    private static AnnouncedGame announcement(LocalGame game) {
        return new AnnouncedGame(game.id(), game.downloadedVersion(), game.downloadBytes());
    }

    private void libraryChanged(LibraryDelta delta) {
        delta.changed().forEach(g -> manifests.remove(g.id()));
        delta.removed().forEach(manifests::remove);
        PeerTransport server = transport;
        if (server != null) {
            // Active games are suppressed: peers hear of them when the operation has ended.
            List<AnnouncedGame> changed = new ArrayList<>();
            Set<String> removed = new java.util.HashSet<>(delta.removed());
            for (LocalGame game : delta.changed()) {
                if (served(game)) {
                    changed.add(announcement(game));
                } else {
                    removed.add(game.id());
                }
            }
            if (!changed.isEmpty() || !removed.isEmpty()) {
                server.announce(changed, removed);
            }
        }
        publish(false);
    }

    /** Tells peers the game's current served state (after an operation ended, or when one starts). */
    private void reannounce(String gameId) {
        PeerTransport server = transport;
        if (server == null) {
            return;
        }
        LocalGame game = library.snapshot().games().get(gameId);
        if (game != null && served(game)) {
            server.announce(List.of(announcement(game)), Set.of());
        } else {
            server.announce(List.of(), Set.of(gameId));
        }
    }

    private void peersChanged() {
        postPeers();
        publish(false);
    }

    private void postPeers() {
        List<org.lanspread.api.runtime.PeerSummary> peers = directory.summaries();
        deps.post(RuntimeTopics.PEERS, Map.of(RuntimeTopics.PEERS_PROPERTY, peers, RuntimeTopics.E4_DATA, peers));
    }

    // ------------------------------------------------------------------ the snapshot

    GamesSnapshot snapshot() {
        return snapshot;
    }

    /** Builds and publishes the authoritative snapshot (progress-only changes at most 4 times a second). */
    private void publish(boolean progressOnly) {
        if (progressOnly) {
            long now = System.nanoTime();
            if (now - lastProgressPublish < PROGRESS_PUBLISH_NANOS) {
                return;
            }
            lastProgressPublish = now;
        }
        GamesSnapshot next;
        synchronized (revision) {
            next = build(revision.incrementAndGet());
            snapshot = next;
        }
        deps.post(RuntimeTopics.SNAPSHOT, Map.of(RuntimeTopics.SNAPSHOT_PROPERTY, next, RuntimeTopics.E4_DATA, next));
    }

    private GamesSnapshot build(long rev) {
        GameLibrary lib = library;
        Map<String, LocalGame> local = lib == null ? Map.of() : lib.snapshot().games();
        Map<String, PeerDirectory.Best> onPeers = directory.bestVersions();
        List<ActiveOperation> active = operations.snapshot();
        Map<String, ActiveOperation> byGame = new HashMap<>();
        active.forEach(o -> byGame.put(o.gameId(), o));
        GameCatalog catalog = deps.catalog();
        Set<String> ids = new java.util.TreeSet<>(local.keySet());
        ids.addAll(onPeers.keySet());
        ids.addAll(byGame.keySet());
        List<GameView> games = new ArrayList<>();
        for (String id : ids) {
            LocalGame game = local.get(id);
            PeerDirectory.Best best = onPeers.get(id);
            ActiveOperation operation = byGame.get(id);
            String name = id;
            if (catalog != null) {
                try {
                    name = catalog.displayName(id);
                } catch (RuntimeException e) {
                    name = id;
                }
            }
            String localVersion = game == null ? null
                    : game.downloadedVersion() != null ? game.downloadedVersion() : game.installedVersion();
            long size = game != null && game.downloadBytes() > 0 ? game.downloadBytes()
                    : best != null ? best.game().sizeBytes() : 0;
            games.add(new GameView(id, name, state(game, best, operation), localVersion,
                    game == null ? null : game.installedVersion(), best == null ? null : best.game().version(),
                    best == null ? 0 : best.peers(), size, operation, game == null ? null : game.problem()));
        }
        games.sort(Comparator.comparing(GameView::name, String.CASE_INSENSITIVE_ORDER).thenComparing(GameView::id));
        return new GamesSnapshot(rev, games, active);
    }

    static GameState state(LocalGame game, PeerDirectory.Best best, ActiveOperation operation) {
        if (operation != null) {
            return switch (operation.kind()) {
                case DOWNLOAD -> GameState.DOWNLOADING;
                case INSTALL -> GameState.INSTALLING;
                case UPDATE -> GameState.UPDATING;
                case UNINSTALL -> GameState.UNINSTALLING;
            };
        }
        if (game == null) {
            return GameState.ON_PEERS;
        }
        boolean newerOnPeers = best != null && game.downloadedVersion() != null
                && Versions.compare(best.game().version(), game.downloadedVersion()) > 0;
        return switch (game.availability()) {
            case DOWNLOADED -> GameState.DOWNLOADED;
            case DOWNLOADED_AND_INSTALLED -> game.updatePending() || newerOnPeers ? GameState.UPDATE_AVAILABLE
                    : GameState.INSTALLED;
            case LOCAL_ONLY -> GameState.LOCAL_ONLY;
            case INCOMPLETE -> GameState.INCOMPLETE;
            case BROKEN -> GameState.BROKEN;
        };
    }

    // ------------------------------------------------------------------ commands

    <R> CompletableFuture<R> submit(RuntimeCommand<R> command) {
        CompletableFuture<R> result = new CompletableFuture<>();
        RuntimeStatus now = status();
        if (now.state() != RuntimeStatus.State.RUNNING || stopping) {
            result.completeExceptionally(new IllegalStateException("the peer runtime is not running ("
                    + now.state().name().toLowerCase() + (now.error() == null ? "" : ": " + now.error()) + ")"));
            return result;
        }
        commands.add(() -> {
            try {
                handle(command, result);
            } catch (OperationRefusedException | RuntimeException e) {
                result.completeExceptionally(e);
            }
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    private <R> void handle(RuntimeCommand<R> command, CompletableFuture<R> result) throws OperationRefusedException {
        CompletableFuture<Object> any = (CompletableFuture<Object>) result;
        switch (command) {
            case RuntimeCommand.ListPeers l -> any.complete(directory.summaries());
            case RuntimeCommand.Cancel c -> any.complete(operations.cancel(c.gameId(), "cancelled by the user"));
            case RuntimeCommand.SetGameDir s -> any.complete(setGameDirectory(s.directory()));
            case RuntimeCommand.ApplySettings a -> any.complete(apply(a.settings()));
            case RuntimeCommand.DiscardPartialDownload d -> any.complete(discard(d.gameId()));
            case RuntimeCommand.Download d -> download(d.gameId(), any);
            case RuntimeCommand.Install i -> install(i.gameId(), any);
            case RuntimeCommand.Update u -> update(u.gameId(), any);
            case RuntimeCommand.Uninstall u -> uninstall(u.gameId(), any);
        }
    }

    /**
     * The game directory first (it may be refused: then nothing changes), then the caps, the extractor and the
     * manual peers; saved last, so that a refused or failed change is never saved.
     */
    private PeerSettings apply(PeerSettings wanted) throws OperationRefusedException {
        String tooMany = RuntimeSettings.tooManyManualPeers(wanted.manualPeers());
        if (tooMany != null) {
            throw new OperationRefusedException(tooMany);
        }
        for (InetSocketAddress peer : wanted.manualPeers()) {
            if (peer.getPort() < 1) {
                throw new OperationRefusedException("manual peer " + HostPorts.format(peer) + ": port "
                        + peer.getPort() + " is out of range");
            }
        }
        Path directory = setGameDirectory(wanted.gameDirectory());
        RuntimeSettings next = settings.with(wanted.withGameDirectory(directory));
        PeerTransport server = transport;
        if (server != null) {
            server.uploadLimits(next.uploads());
        }
        settings = next;
        try {
            SavedSettings.save(next.stateDirectory(), next.toSaved());
        } catch (IOException e) {
            throw new OperationRefusedException("the settings apply for now but could not be saved in "
                    + next.stateDirectory() + ": " + Supervisor.describe(e));
        }
        LOG.info("settings applied: " + next.peerSettings());
        return next.peerSettings();
    }

    private Path setGameDirectory(Path requested) throws OperationRefusedException {
        Path current = library.gameDirectory();
        Path wanted = requested.toAbsolutePath().normalize();
        if (!wanted.equals(current) && operations.anyActive()) {
            List<String> busy = operations.snapshot().stream()
                    .map(o -> o.gameId() + " (" + o.kind().name().toLowerCase() + ")").toList();
            throw new OperationRefusedException("the game directory cannot change to " + wanted + " while "
                    + busy.size() + " operation(s) are active: " + String.join(", ", busy)
                    + "; cancel them or wait until they finish");
        }
        try {
            if (!wanted.equals(current)) {
                for (String line : GameTransactions.recover(wanted, Set.of())) {
                    LOG.info("recovery: " + line);
                }
            }
            Set<String> before = library.snapshot().games().keySet();
            library.setGameDirectory(wanted);
            manifests.clear();
            PeerTransport server = transport;
            if (server != null && !wanted.equals(current)) {
                Set<String> gone = new java.util.HashSet<>(before);
                gone.removeAll(library.snapshot().games().keySet());
                server.announce(content.announced(), gone);
            }
            publish(false);
            return library.gameDirectory();
        } catch (InvalidGameDirectoryException e) {
            throw new OperationRefusedException(e.getMessage());
        } catch (IOException e) {
            throw new OperationRefusedException("cannot switch to " + wanted + ": " + Supervisor.describe(e));
        }
    }

    private long discard(String gameId) throws OperationRefusedException {
        if (operations.isActive(gameId)) {
            throw new OperationRefusedException("'" + gameId + "' has an active operation: cancel it first");
        }
        Path folder = library.gameDirectory().resolve(gameId);
        try {
            long freed = Trees.delete(DownloadStaging.dir(folder));
            try (var left = Files.list(folder)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(folder);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // nothing there
            }
            library.refresh(gameId);
            publish(false);
            return freed;
        } catch (IOException e) {
            throw new OperationRefusedException("cannot remove the partial download of " + gameId + ": "
                    + Supervisor.describe(e));
        }
    }

    /** The newest version peers offer, or a refusal naming the game. */
    private String bestOnPeers(String gameId) throws OperationRefusedException {
        PeerDirectory.Best best = directory.bestVersions().get(gameId);
        if (best == null) {
            throw new OperationRefusedException("no connected peer offers '" + gameId + "'");
        }
        return best.game().version();
    }

    private LocalGame current(String gameId) {
        try {
            return library.refresh(gameId).orElse(null);
        } catch (IOException e) {
            return library.snapshot().games().get(gameId);
        }
    }

    private void download(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        String version = bestOnPeers(gameId);
        if (game != null && game.availability().downloaded() && version.equals(game.downloadedVersion())) {
            result.complete(new OperationOutcome(gameId, OperationKind.DOWNLOAD, Result.NOTHING_TO_DO, version,
                    gameId + " " + version + " is already downloaded"));
            return;
        }
        runOperation(gameId, OperationKind.DOWNLOAD, "connecting", result,
                (guard, token, group) -> fetch(gameId, version, guard, group, OperationKind.DOWNLOAD));
    }

    private void install(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game != null && game.availability().installed()) {
            result.complete(new OperationOutcome(gameId, OperationKind.INSTALL, Result.NOTHING_TO_DO,
                    game.installedVersion(), gameId + " is already installed"));
            return;
        }
        if (game != null && game.availability().downloaded()) { // archives without local/: install directly
            runOperation(gameId, OperationKind.INSTALL, "preparing", result,
                    (guard, token, group) -> unpack(gameId, OperationKind.INSTALL, guard, token));
            return;
        }
        String version = bestOnPeers(gameId); // no version.ini: download from peers first
        runOperation(gameId, OperationKind.DOWNLOAD, OperationKind.INSTALL, "connecting", result, (guard, token, group) -> {
            OperationOutcome fetched = fetch(gameId, version, guard, group, OperationKind.INSTALL);
            if (fetched.result() != Result.COMPLETED) {
                return fetched;
            }
            guard.phase(OperationKind.INSTALL, "preparing", 0);
            return withDownload(fetched, unpack(gameId, OperationKind.INSTALL, guard, token));
        });
    }

    private void update(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().installed()) {
            throw new OperationRefusedException("'" + gameId + "' is not installed: install it instead");
        }
        PeerDirectory.Best best = directory.bestVersions().get(gameId);
        boolean newer = best != null && (game.downloadedVersion() == null
                || Versions.compare(best.game().version(), game.downloadedVersion()) > 0);
        if (newer) { // a fresh download, then reinstall
            String version = best.game().version();
            runOperation(gameId, OperationKind.UPDATE, "connecting", result, (guard, token, group) -> {
                OperationOutcome fetched = fetch(gameId, version, guard, group, OperationKind.UPDATE);
                if (fetched.result() != Result.COMPLETED) {
                    return fetched;
                }
                return withDownload(fetched, unpack(gameId, OperationKind.UPDATE, guard, token));
            });
        } else if (game.updatePending()) { // the newer version is downloaded already
            runOperation(gameId, OperationKind.UPDATE, "preparing", result,
                    (guard, token, group) -> unpack(gameId, OperationKind.UPDATE, guard, token));
        } else {
            result.complete(new OperationOutcome(gameId, OperationKind.UPDATE, Result.NOTHING_TO_DO,
                    game.installedVersion(), gameId + " is up to date"));
        }
    }

    private void uninstall(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().installed()) {
            result.complete(new OperationOutcome(gameId, OperationKind.UNINSTALL, Result.NOTHING_TO_DO, null,
                    gameId + " is not installed"));
            return;
        }
        runOperation(gameId, OperationKind.UNINSTALL, "removing", result, (guard, token, group) -> {
            new GameTransactions(() -> null).uninstall(library.gameDirectory().resolve(gameId), guard);
            return new OperationOutcome(gameId, OperationKind.UNINSTALL, Result.COMPLETED, game.installedVersion(),
                    gameId + " was uninstalled");
        });
    }

    /** Fetches {@code version} of a game; the outcome is COMPLETED, CANCELLED or ALL_PEERS_GONE. */
    private OperationOutcome fetch(String gameId, String version, OperationState.Guard guard, TaskGroup group,
            OperationKind kind) throws Download.DownloadException, InterruptedException {
        Download download = new Download(gameId, version, library.gameDirectory().resolve(gameId), directory,
                connections, guard, group, (peer, why) -> deps.post(RuntimeTopics.PEER_DROPPED, Map.of(
                        RuntimeTopics.GAME_ID, gameId, RuntimeTopics.PEER, peer.hex(), RuntimeTopics.MESSAGE, why)));
        downloads.put(gameId, download);
        Download.Result result;
        try {
            result = download.run();
        } finally {
            downloads.remove(gameId, download);
        }
        Download.Stats stats = download.stats();
        String figures = stats == null ? "" : String.format(java.util.Locale.ROOT,
                " (%d bytes, %d resumed, %d fetched, %d re-fetched, from %d peer(s)%s)", stats.totalBytes(),
                stats.resumedBytes(), stats.fetchedBytes(), stats.refetchedBytes(), stats.peersUsed(),
                stats.dropped().isEmpty() ? "" : ", dropped " + stats.dropped().stream().map(PeerId::shortForm).toList());
        return switch (result) {
            case COMPLETED -> new OperationOutcome(gameId, kind, Result.COMPLETED, version,
                    gameId + " " + version + " downloaded" + figures);
            case CANCELLED -> new OperationOutcome(gameId, kind, Result.CANCELLED, version,
                    "download of " + gameId + " cancelled; verified chunks are kept for resuming" + figures);
            case ALL_PEERS_GONE -> new OperationOutcome(gameId, kind, Result.ALL_PEERS_GONE, version,
                    "every peer offering " + gameId + " " + version + " left; the download resumes when one is back"
                            + figures);
        };
    }

    /** The unpack's outcome, its message preceded by the download's (with its figures). */
    private static OperationOutcome withDownload(OperationOutcome fetched, OperationOutcome unpacked) {
        return new OperationOutcome(unpacked.gameId(), unpacked.kind(), unpacked.result(), unpacked.version(),
                fetched.message() + "; " + unpacked.message());
    }

    /** Unpacks the downloaded version into local/ (an install, or the second half of an update). */
    private OperationOutcome unpack(String gameId, OperationKind kind, OperationState.Guard guard, CancelToken token)
            throws IOException, ArchiveException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().downloaded()) {
            throw new IOException("'" + gameId + "' has no complete download to unpack");
        }
        try {
            new GameTransactions(() -> deps.extractor(settings.extractor())).install(
                    library.gameDirectory().resolve(gameId), game.downloadedVersion(), game.archives(), guard, token);
        } catch (GameTransactions.Cancelled e) {
            return new OperationOutcome(gameId, kind, Result.CANCELLED, game.downloadedVersion(),
                    (kind == OperationKind.UPDATE ? "update" : "install") + " of " + gameId
                            + " cancelled and rolled back: " + e.getMessage());
        }
        return new OperationOutcome(gameId, kind, Result.COMPLETED, game.downloadedVersion(),
                gameId + " " + game.downloadedVersion() + (kind == OperationKind.UPDATE ? " updated" : " installed"));
    }

    /** An operation's work, run on its own task. */
    @FunctionalInterface
    private interface Work {
        OperationOutcome run(OperationState.Guard guard, CancelToken token, TaskGroup group) throws Exception;
    }

    /**
     * Runs {@code work} as the game's operation: the guard is owned by the task and released on every exit path (the
     * task's exit handler runs in its thread's finally); then, and only then, the game alone is refreshed and
     * re-announced, one snapshot without the operation is published, and exactly one OPERATION_ENDED is posted.
     *
     * @param reported the kind the outcome reports (an install that downloads first starts as a download)
     */
    private void runOperation(String gameId, OperationKind kind, String phase, CompletableFuture<Object> result,
            Work work) throws OperationRefusedException {
        runOperation(gameId, kind, kind, phase, result, work);
    }

    private void runOperation(String gameId, OperationKind kind, OperationKind reported, String phase,
            CompletableFuture<Object> result, Work work) throws OperationRefusedException {
        TaskGroup group = operationsGroup.child(gameId);
        OperationState.Guard guard = operations.begin(gameId, kind, phase, group.token());
        reannounce(gameId); // suppressed from what peers see while active
        deps.post(RuntimeTopics.OPERATION_STARTED, Map.of(RuntimeTopics.GAME_ID, gameId, RuntimeTopics.KIND,
                reported.name()));
        AtomicReference<OperationOutcome> outcome = new AtomicReference<>();
        try {
            group.fork(reported.name().toLowerCase() + " " + gameId, false,
                    token -> outcome.set(work.run(guard, token, group)), failure -> {
                        guard.release(); // quietly: the snapshot below shows the refreshed game without it
                        OperationOutcome ended = outcome.get();
                        if (ended == null) {
                            String why = failure == null ? "ended without a result" : Supervisor.describe(failure);
                            ended = new OperationOutcome(gameId, reported, Result.FAILED, null, why);
                            LOG.log(Level.WARNING, reported.name().toLowerCase() + " of " + gameId + " failed: " + why,
                                    failure);
                        }
                        finished(gameId, ended);
                        group.release();
                        result.complete(ended);
                    });
        } catch (IllegalStateException e) { // stopping
            guard.close();
            throw new OperationRefusedException("the peer is stopping");
        }
    }

    private void finished(String gameId, OperationOutcome outcome) {
        try {
            library.refresh(gameId); // this game only, never a full scan or recovery
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot refresh " + gameId + " after its operation: " + e.getMessage());
        }
        reannounce(gameId);
        publish(false); // also when the library did not change (a rollback): clears the stale operation
        deps.post(RuntimeTopics.OPERATION_ENDED, Map.of(RuntimeTopics.GAME_ID, gameId, RuntimeTopics.KIND,
                outcome.kind().name(), RuntimeTopics.RESULT, outcome.result().name(), RuntimeTopics.MESSAGE,
                outcome.message(), RuntimeTopics.OUTCOME_PROPERTY, outcome));
    }

    /** For tests: the transport this runtime listens on. */
    PeerTransport transport() {
        return transport;
    }

    GameLibrary library() {
        return library;
    }

    TaskGroup rootGroup() {
        return root;
    }
}
