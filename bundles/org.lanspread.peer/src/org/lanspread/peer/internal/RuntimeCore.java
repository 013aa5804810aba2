package org.lanspread.peer.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.InvalidGameDirectoryException;
import org.lanspread.api.library.LibraryDelta;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportSettings;

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
    private final ServedContent content;
    private final GameOperations games;
    private final OfferChecker checker;
    private final SettingsChanges settingsChanges;
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
        this.content = new ServedContent(() -> library, () -> transport, operations, () -> publish(false),
                gameId -> games().own(gameId), () -> games().downloads().stream().map(Download::own)
                        .filter(java.util.Objects::nonNull).toList());
        this.checker = new OfferChecker(() -> library, () -> deps.tester(this.settings.extractor()), operations,
                content);
        this.games = new GameOperations(deps, () -> library, () -> connections, () -> this.settings, directory,
                operations, operationsGroup, content, () -> {
                    checker.wake(); // an operation ended: its game may be offered (or withdrawn) now
                    publish(false);
                });
        this.settingsChanges = new SettingsChanges(() -> library, () -> transport, operations, content,
                () -> publish(false));
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
        try {
            if (deps.catalog() != null) {
                deps.catalog().entries(); // loaded once, here: a product without its catalog is broken, said so
            }
        } catch (org.lanspread.api.catalog.CatalogUnavailableException e) {
            fail("catalog", e);
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
        supervisor.start("offer-checks", new Supervisor.Policy.Restart(RESTART_DELAY), checker::run);
        supervisor.start("commands", new Supervisor.Policy.Required(), this::runCommands);
        LOG.info(settings.name() + ": running on " + transport.localAddress() + " as " + transport.localId().shortForm()
                + ", games in " + library.gameDirectory() + " (" + library.snapshot().games().size() + ")");
        setStatus(RuntimeStatus.running(library.notices()));
        publish(false);
    }

    /** A failure before the services ran, or a Required service's crash: stop everything and say why. */
    private void fail(String component, Throwable error) {
        String message = Supervisor.describe(error);
        // A setting that cannot be used is the user's to fix: its message says all, a stack trace would bury it.
        LOG.log(Level.SEVERE, "the peer runtime failed: " + component + ": " + message,
                error == invalid || error instanceof StateLock.HeldException
                        || error instanceof org.lanspread.api.catalog.CatalogUnavailableException ? null : error);
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

    /**
     * The whole stop is bounded, as the original app's exit: operations get {@link #OPERATIONS_SHARE} to finish their
     * current chunk or buffer and roll back, the transport says goodbye to every peer, and the other tasks end within
     * what is left of {@link #STOP_BOUND}.
     */
    static final Duration STOP_BOUND = Duration.ofMillis(2000);
    static final Duration OPERATIONS_SHARE = Duration.ofMillis(1100);

    private void stop(boolean graceful) {
        synchronized (stopLock) {
            if (stopping) {
                return;
            }
            stopping = true;
        }
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        boolean operationsEnded = false;
        try {
            operations.cancelAll(graceful ? "the peer is shutting down" : "the peer runtime failed");
            root.cancel("stopping");
            PeerWatch watch = peers;
            if (watch != null) {
                watch.closeDiscovery(); // no more probes or connects from here
            }
            operationsEnded = operationsGroup.join(OPERATIONS_SHARE);
            if (!operationsEnded) {
                LOG.warning("operations did not stop within " + OPERATIONS_SHARE.toMillis() + " ms; the state "
                        + "directory stays locked until they end:" + operationsGroup.stacks());
            }
            PeerConnections open = connections;
            if (open != null) {
                open.close(); // no new connections; the transport ends the open ones below
            }
            PeerTransport server = transport;
            if (server != null) {
                server.close(); // goodbye to every peer (ours and theirs) together, then stop
            }
            Duration left = Duration.ofNanos(Math.max(50_000_000L, deadline - System.nanoTime()));
            if (!root.join(left, operationsEnded ? null : operationsGroup)) {
                LOG.warning("runtime tasks still running after the stop: " + root.running());
            }
            for (AutoCloseable registration : registrations) {
                try {
                    registration.close();
                } catch (Exception e) {
                    // nothing to undo
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (operationsEnded) {
                closeState();
            } else { // a stuck disk or extractor: its rollback still needs the library, and nobody may recover under it
                Thread closer = new Thread(() -> {
                    try {
                        operationsGroup.join(Duration.ofDays(1));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    closeState();
                }, "lanspread runtime stop: waiting for operations");
                closer.setDaemon(true);
                closer.start();
            }
            if (status().state() != RuntimeStatus.State.FAILED) {
                setStatus(RuntimeStatus.of(RuntimeStatus.State.STOPPED));
            }
            stopped.countDown();
        }
    }

    /** Closes the library, then releases the state directory: the next runtime on it may start. */
    private void closeState() {
        GameLibrary lib = library;
        if (lib != null) {
            lib.close();
        }
        StateLock lock = stateLock;
        if (lock != null) {
            lock.close();
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

    /** A new core with this one's settings (valid or not) and revisions, for a restart. */
    RuntimeCore successor() {
        return new RuntimeCore(invalid == null ? settings() : null, invalid, deps, revision());
    }

    /** The settings in use, with the game directory actually open. */
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
            for (Download download : games.downloads()) {
                if (!download.anySource()) { // nobody offers the version, complete or partly
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

    private void libraryChanged(LibraryDelta delta) {
        content.libraryChanged(delta);
        checker.wake();
        publish(false);
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
            next = SnapshotBuilder.build(revision.incrementAndGet(), library, directory, operations,
                    deps.catalog(), content::failedCheck, games::lastFailure);
            snapshot = next;
        }
        deps.post(RuntimeTopics.SNAPSHOT, Map.of(RuntimeTopics.SNAPSHOT_PROPERTY, next, RuntimeTopics.E4_DATA, next));
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
            case RuntimeCommand.SetGameDir s -> any.complete(settingsChanges.setGameDirectory(s.directory()));
            case RuntimeCommand.ApplySettings a -> {
                settings = settingsChanges.apply(settings, a.settings());
                settingsChanges.save(settings);
                any.complete(settings.peerSettings());
            }
            case RuntimeCommand.DiscardPartialDownload d -> any.complete(games.discard(d.gameId()));
            case RuntimeCommand.Download d -> games.download(d.gameId(), any);
            case RuntimeCommand.Install i -> games.install(i.gameId(), any);
            case RuntimeCommand.Update u -> games.update(u.gameId(), any);
            case RuntimeCommand.Uninstall u -> games.uninstall(u.gameId(), any);
            case RuntimeCommand.Delete d -> games.delete(d.gameId(), any);
            case RuntimeCommand.Verify v -> games.verify(v.gameId(), any);
            case RuntimeCommand.Repair r -> games.repair(r.gameId(), any);
        }
    }

    /** For tests: the transport this runtime listens on. */
    PeerTransport transport() {
        return transport;
    }

    /** The game operations (made after what they serve, which asks them for the downloads it serves from). */
    private GameOperations games() {
        return games;
    }

    /** For tests: what this runtime offers to peers. */
    ServedContent content() {
        return content;
    }

    GameLibrary library() {
        return library;
    }

    TaskGroup rootGroup() {
        return root;
    }
}
