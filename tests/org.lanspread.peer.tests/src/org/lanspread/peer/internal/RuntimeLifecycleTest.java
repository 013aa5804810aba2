package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.discovery.PeerDiscoveryFactory;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Services;

/** Start, supervision, failure and shutdown of whole runtimes. */
class RuntimeLifecycleTest {

    @TempDir
    Path dir;

    /** The real transport, whose "socket failure" the test can trigger (the stop signal completes exceptionally). */
    static final class FailableTransport implements PeerTransport {
        final PeerTransport real;
        final CompletableFuture<Void> stopped = new CompletableFuture<>();

        FailableTransport(PeerTransport real) {
            this.real = real;
            real.stopped().whenComplete((v, e) -> {
                if (e != null) {
                    stopped.completeExceptionally(e);
                } else {
                    stopped.complete(null);
                }
            });
        }

        void fail(String why) {
            stopped.completeExceptionally(new IOException(why));
        }

        @Override
        public PeerId localId() {
            return real.localId();
        }

        @Override
        public InetSocketAddress localAddress() {
            return real.localAddress();
        }

        @Override
        public PeerConnection connect(InetSocketAddress address, PeerId expected, Duration timeout)
                throws TransportException {
            return real.connect(address, expected, timeout);
        }

        @Override
        public AutoCloseable addListener(PeerListener listener) {
            return real.addListener(listener);
        }

        @Override
        public void announce(List<AnnouncedGame> changed, Set<String> removed) {
            real.announce(changed, removed);
        }

        @Override
        public void offerPartial(org.lanspread.api.transport.PartialOffer offer) {
            real.offerPartial(offer);
        }

        @Override
        public void have(String gameId, String version, List<org.lanspread.api.transport.ChunkRef> chunks) {
            real.have(gameId, version, chunks);
        }

        @Override
        public void withdrawPartial(String gameId) {
            real.withdrawPartial(gameId);
        }

        @Override
        public Set<PeerId> connectedPeers() {
            return real.connectedPeers();
        }

        @Override
        public java.util.Map<PeerId, org.lanspread.api.transport.PeerTraffic> traffic() {
            return real.traffic();
        }

        @Override
        public void uploadLimits(org.lanspread.api.transport.UploadLimits limits) {
            real.uploadLimits(limits);
        }

        @Override
        public CompletionStage<Void> stopped() {
            return stopped;
        }

        @Override
        public void close() {
            real.close();
        }
    }

    @Test
    void aFailedTransportCancelsTheRuntimeAndReportsRuntimeFailed() throws Exception {
        CompletableFuture<FailableTransport> opened = new CompletableFuture<>();
        PeerTransportFactory wrapping = new PeerTransportFactory() {
            @Override
            public PeerTransport open(TransportSettings settings, ContentSource content) throws IOException {
                FailableTransport t = new FailableTransport(Services.await(PeerTransportFactory.class).open(settings,
                        content));
                opened.complete(t);
                return t;
            }
        };
        try (TestPeer peer = TestPeer.builder(dir, "failing").wrapTransports(f -> wrapping).start()) {
            assertEquals(RuntimeStatus.State.RUNNING, peer.core.status().state());
            opened.get().fail("the network stack dropped the socket");
            assertTrue(peer.core.awaitStopped(Duration.ofSeconds(10)), "the runtime was cancelled");
            RuntimeStatus status = peer.core.status();
            assertEquals(RuntimeStatus.State.FAILED, status.state());
            assertEquals("transport", status.component());
            assertEquals("the network stack dropped the socket", status.error());
            List<TestPeer.Posted> failed = peer.events(RuntimeTopics.RUNTIME_FAILED);
            assertEquals(1, failed.size());
            assertEquals("transport", failed.get(0).properties().get(RuntimeTopics.COMPONENT));
            assertEquals(0, peer.core.rootGroup().running(), "every task ended");
            ExecutionException refused = assertThrows(ExecutionException.class,
                    () -> peer.core.submit(new RuntimeCommand.ListPeers()).get());
            assertInstanceOf(IllegalStateException.class, refused.getCause());
            assertTrue(refused.getCause().getMessage().contains("failed"), refused.getCause().getMessage());
        }
    }

    @Test
    void aPortInUseFailsTheStartWithTheTransportNamed() throws Exception {
        try (TestPeer first = TestPeer.builder(dir, "first").start()) {
            try (TestPeer second = TestPeer.builder(dir, "second").port(first.address().getPort()).start()) {
                assertTrue(second.core.awaitStopped(Duration.ofSeconds(5)));
                assertEquals("transport", second.core.status().component());
                assertTrue(second.core.status().error().contains(String.valueOf(first.address().getPort())),
                        second.core.status().error());
            }
        }
    }

    @Test
    void shutdownIsSilentBoundedAndSaysGoodbye() throws Exception {
        try (TestPeer stays = TestPeer.builder(dir, "stays").start()) {
            TestPeer leaves = TestPeer.builder(dir, "leaves").seeds(stays).start();
            TestPeer.await("the two peers to meet", 20,
                    () -> stays.core.transport().connectedPeers().contains(leaves.core.transport().localId())
                            && leaves.core.transport().connectedPeers().contains(stays.core.transport().localId()));
            long start = System.nanoTime();
            leaves.core.shutdown();
            assertTrue(leaves.core.awaitStopped(Duration.ofSeconds(5)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("[shutdown] stopped in " + millis + " ms");
            assertTrue(millis < 3000, "stopped in " + millis + " ms");
            assertEquals(RuntimeStatus.State.STOPPED, leaves.core.status().state());
            assertTrue(leaves.events(RuntimeTopics.RUNTIME_FAILED).isEmpty(), "a requested stop is silent");
            assertEquals(0, leaves.core.rootGroup().running(), "every task ended");
            try {
                TestPeer.await("the goodbye to arrive", 5, () -> stays.core.snapshot() != null
                        && !stays.core.transport().connectedPeers().contains(leaves.core.transport().localId()));
            } catch (AssertionError e) {
                System.out.println("[debug] stays events: " + stays.events);
                throw e;
            }
        }
    }

    @Test
    void discoveryIsRestartedUntilItsServiceIsThereThenPeersAreFound() throws Exception {
        try (TestPeer seed = TestPeer.builder(dir, "seed").start();
                TestPeer late = TestPeer.builder(dir, "late").withoutDiscovery().seeds(seed).start()) {
            Thread.sleep(1000);
            assertTrue(late.core.snapshot().games().isEmpty());
            assertTrue(late.core.transport().connectedPeers().isEmpty(), "no discovery service yet: nobody found");
            late.discovery = Services.await(PeerDiscoveryFactory.class); // the bundle comes (back)
            TestPeer.await("the restarted discovery to find the seed", 15,
                    () -> late.core.transport().connectedPeers().contains(seed.core.transport().localId()));
            assertEquals(RuntimeStatus.State.RUNNING, late.core.status().state(), "a Restart service never fails it");
        }
    }

    @Test
    void aPathChangeIsRefusedWhileAnOperationIsActive() throws Exception {
        long mib = 1024 * 1024;
        try (TestPeer seed = TestPeer.builder(dir, "seed").uploads(new UploadLimits(0, 4 * mib, 0)).create()) {
            TestPeer.seedGame(seed.games, "slow", "1", 40 * mib, 9);
            seed.core.start();
            try (TestPeer leech = TestPeer.builder(dir, "leech").seeds(seed).start()) {
                leech.awaitOffered("slow", 1);
                var download = leech.core.submit(new RuntimeCommand.Download("slow"));
                TestPeer.await("the download to start", 10, () -> !leech.core.snapshot().operations().isEmpty());
                ExecutionException refused = assertThrows(ExecutionException.class,
                        () -> leech.run(new RuntimeCommand.SetGameDir(dir.resolve("elsewhere"))));
                assertInstanceOf(OperationRefusedException.class, refused.getCause());
                assertTrue(refused.getCause().getMessage().contains("slow (download)"), refused.getCause().getMessage());
                assertEquals(leech.games, leech.run(new RuntimeCommand.SetGameDir(leech.games)), "same path: allowed");

                assertTrue(leech.run(new RuntimeCommand.Cancel("slow")));
                assertEquals(org.lanspread.api.runtime.OperationOutcome.Result.CANCELLED,
                        download.get(30, java.util.concurrent.TimeUnit.SECONDS).result());
                assertTrue(leech.core.snapshot().operations().isEmpty());
                Path elsewhere = dir.resolve("elsewhere");
                assertEquals(elsewhere, leech.run(new RuntimeCommand.SetGameDir(elsewhere)), "idle: allowed");
                ExecutionException invalid = assertThrows(ExecutionException.class,
                        () -> leech.run(new RuntimeCommand.SetGameDir(Path.of("/proc/lanspread"))));
                assertTrue(invalid.getCause().getMessage().contains("/proc/lanspread"), invalid.getCause().getMessage());
            }
        }
    }
}
