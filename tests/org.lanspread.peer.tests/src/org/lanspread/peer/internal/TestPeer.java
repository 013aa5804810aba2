package org.lanspread.peer.internal;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.discovery.PeerDiscoveryFactory;
import org.lanspread.api.games.GameView;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;

/**
 * A whole peer runtime in this framework, on loopback, with its own game directory, state and identity, built from
 * the real services (library, QUIC transport, discovery, extractors, catalog). Events it posts are recorded.
 */
final class TestPeer implements AutoCloseable {

    /** A posted event. */
    record Posted(String topic, Map<String, Object> properties) {
    }

    final String name;
    final Path games;
    final Path state;
    final RuntimeCore core;
    final List<Posted> events = new CopyOnWriteArrayList<>();
    volatile PeerDiscoveryFactory discovery;

    private TestPeer(Builder b) {
        this.name = b.name;
        this.games = b.root.resolve(b.name).resolve("games");
        this.state = b.root.resolve(b.name).resolve("state");
        this.discovery = b.discovery ? Services.await(PeerDiscoveryFactory.class) : null;
        PeerTransportFactory transports = b.wrapTransports.apply(Services.await(PeerTransportFactory.class));
        RuntimeSettings settings = new RuntimeSettings(games, state,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), b.port), b.name, false, List.of(), b.manual,
                b.uploads, null, true);
        this.core = new RuntimeCore(settings, new RuntimeDependencies() {
            @Override
            public GameLibraryFactory libraries() {
                return Services.await(GameLibraryFactory.class);
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
                return TestPeer.extractor(b.extractor);
            }

            @Override
            public ArchiveExtractor tester(String preferredId) {
                return PeerRuntimeComponent.chooseTester(rankings(), b.extractor);
            }

            @Override
            public GameCatalog catalog() {
                return Services.await(GameCatalog.class);
            }

            @Override
            public void post(String topic, Map<String, Object> properties) {
                events.add(new Posted(topic, Map.copyOf(properties)));
            }
        }, 0);
    }

    static Builder builder(Path root, String name) {
        return new Builder(root, name);
    }

    static final class Builder {
        private final Path root;
        private final String name;
        private List<InetSocketAddress> manual = List.of();
        private UploadLimits uploads = UploadLimits.UNLIMITED;
        private int port;
        private boolean discovery = true;
        private String extractor;
        private UnaryOperator<PeerTransportFactory> wrapTransports = f -> f;

        private Builder(Path root, String name) {
            this.root = root;
            this.name = name;
        }

        /** Peers to find through the manual list (the discovery factory probes them with transport hellos). */
        Builder seeds(TestPeer... seeds) {
            List<InetSocketAddress> list = new ArrayList<>();
            for (TestPeer seed : seeds) {
                list.add(seed.address());
            }
            manual = list;
            return this;
        }

        Builder manual(List<InetSocketAddress> peers) {
            manual = peers;
            return this;
        }

        Builder uploads(UploadLimits limits) {
            uploads = limits;
            return this;
        }

        Builder port(int fixed) {
            port = fixed;
            return this;
        }

        Builder withoutDiscovery() {
            discovery = false;
            return this;
        }

        Builder extractor(String id) {
            extractor = id;
            return this;
        }

        Builder wrapTransports(UnaryOperator<PeerTransportFactory> wrap) {
            wrapTransports = wrap;
            return this;
        }

        /** Creates the game directory (so tests can put games in first) without starting. */
        TestPeer create() throws IOException {
            TestPeer peer = new TestPeer(this);
            Files.createDirectories(peer.games);
            return peer;
        }

        TestPeer start() throws IOException {
            TestPeer peer = create();
            peer.core.start();
            return peer;
        }
    }

    /** The registered extractor with the given id, else the one the ranking picks. */
    static ArchiveExtractor extractor(String id) {
        return PeerRuntimeComponent.choose(rankings(), id);
    }

    /** The registered extractors with their rankings. */
    static Map<ArchiveExtractor, Integer> rankings() {
        Services.await(ArchiveExtractor.class);
        BundleContext context = FrameworkUtil.getBundle(TestPeer.class).getBundleContext();
        try {
            Map<ArchiveExtractor, Integer> rankings = new java.util.LinkedHashMap<>();
            for (ServiceReference<ArchiveExtractor> ref : context.getServiceReferences(ArchiveExtractor.class, null)) {
                Object ranking = ref.getProperty(Constants.SERVICE_RANKING);
                rankings.put(context.getService(ref), ranking instanceof Integer i ? i : 0);
            }
            return rankings;
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), core.transport().localAddress().getPort());
    }

    <R> R run(RuntimeCommand<R> command) throws Exception {
        return within(core.submit(command), 120, name + ": " + command);
    }

    /** The future's result; after {@code seconds} a failure naming {@code what} with every thread's stack. */
    static <R> R within(Future<R> future, long seconds, String what) throws ExecutionException, InterruptedException {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError(what + " did not complete within " + seconds + " s" + threads(), e);
        }
    }

    /** Waits until {@code condition} holds; fails with {@code what} (and every thread's stack) after {@code seconds}. */
    static void await(String what, long seconds, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + seconds + " s waiting for " + what + threads());
            }
            Thread.sleep(20);
        }
    }

    /** Every thread's full stack with the locks it holds and waits for, deadlocks first: for a hang's failure. */
    static String threads() {
        ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        StringBuilder out = new StringBuilder("\n--- threads");
        long[] deadlocked = bean.findDeadlockedThreads();
        if (deadlocked != null) {
            out.append(" (DEADLOCK among ").append(deadlocked.length).append(" threads)");
        }
        for (ThreadInfo info : bean.dumpAllThreads(true, true)) {
            out.append("\n\"").append(info.getThreadName()).append("\" ").append(info.getThreadState());
            if (info.getLockName() != null) {
                out.append(" on ").append(info.getLockName());
                if (info.getLockOwnerName() != null) {
                    out.append(" held by \"").append(info.getLockOwnerName()).append('"');
                }
            }
            StackTraceElement[] frames = info.getStackTrace();
            for (int i = 0; i < frames.length; i++) {
                out.append("\n    at ").append(frames[i]);
                for (MonitorInfo monitor : info.getLockedMonitors()) {
                    if (monitor.getLockedStackDepth() == i) {
                        out.append("\n      - locked ").append(monitor);
                    }
                }
            }
        }
        return out.append("\n---").toString();
    }

    /** Waits until this peer sees {@code count} peers offering {@code gameId}. */
    void awaitOffered(String gameId, int count) throws InterruptedException {
        await(name + " to see " + count + " peer(s) offering " + gameId, 20, () -> core.snapshot().games().stream()
                .anyMatch(g -> g.id().equals(gameId) && g.peerCount() >= count));
    }

    /** The game as this peer's newest snapshot has it, or null. */
    GameView game(String id) {
        return core.snapshot().games().stream().filter(g -> g.id().equals(id)).findFirst().orElse(null);
    }

    List<Posted> events(String topic) {
        return events.stream().filter(e -> e.topic().equals(topic)).toList();
    }

    /** Writes a downloaded game: version.ini and a stored RAR5 of {@code size} random bytes (volumes of 5 MiB). */
    static void seedGame(Path games, String id, String version, long size, long seed) throws IOException {
        Path folder = Files.createDirectories(games.resolve(id));
        RarWriter writer = RarWriter.rar5().randomFile("game/data.bin", size, seed).file("game/readme.txt",
                id + " " + version);
        if (size > 5L * 1024 * 1024) {
            writer.volumeSize(5L * 1024 * 1024);
        }
        writer.write(folder, id);
        Files.writeString(folder.resolve("version.ini"), version + "\n");
    }

    @Override
    public void close() throws InterruptedException {
        core.shutdown();
        if (!core.awaitStopped(Duration.ofSeconds(20))) {
            throw new AssertionError(name + " did not stop within 20 s");
        }
    }
}
