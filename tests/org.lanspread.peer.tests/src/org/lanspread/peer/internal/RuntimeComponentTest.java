package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;

/** The runtime as the framework runs it: a DS component whose events go out through the real EventAdmin. */
class RuntimeComponentTest {

    private final BundleContext context = FrameworkUtil.getBundle(RuntimeComponentTest.class).getBundleContext();

    @Test
    void theRuntimeIsOneDsComponentRegisteredAsPeerRuntimeAndSnapshotProvider() {
        PeerRuntime runtime = Runtimes.awaitStarted();
        assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state(), String.valueOf(runtime.status()));
        ServiceReference<PeerRuntime> ref = context.getServiceReference(PeerRuntime.class);
        assertEquals("org.lanspread.peer", ref.getBundle().getSymbolicName());
        assertTrue(Arrays.asList((String[]) ref.getProperty("objectClass"))
                .contains(GamesSnapshotProvider.class.getName()));

        ServiceComponentRuntime scr = Services.await(ServiceComponentRuntime.class);
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(ref.getBundle(),
                PeerRuntimeComponent.class.getName());
        assertNotNull(description);
        ComponentConfigurationDTO configuration = scr.getComponentConfigurationDTOs(description).iterator().next();
        assertEquals(ComponentConfigurationDTO.ACTIVE, configuration.state);
        List<String> bound = Arrays.stream(configuration.satisfiedReferences).filter(r -> r.boundServices.length > 0)
                .map(r -> r.name).sorted().toList();
        assertTrue(bound.containsAll(List.of("catalog", "discovery", "events", "libraries", "transports")),
                "bound: " + bound);
    }

    /**
     * The framework's start does not wait for the runtime's: activation reads the settings and returns, the service
     * is there at once (STARTING, commands waiting), and recovery, the scan and the transport run behind it. With
     * 2,000 game folders to scan, the bundle's start returns while the runtime is still starting.
     */
    @Test
    void theServiceIsThereAtOnceAndTheRuntimeStartsBehindIt() throws Exception {
        Path games = Runtimes.awaitStarted().gameDirectory();
        List<Path> fillers = new java.util.ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            Path game = Files.createDirectories(games.resolve(String.format("filler-%04d", i)));
            Files.writeString(game.resolve("version.ini"), "1\n");
            Files.writeString(game.resolve("filler.rar"), "archive");
            fillers.add(game);
        }
        // This class's own bundle is the one restarted: register and look up through the fixtures' bundle.
        BundleContext context = FrameworkUtil.getBundle(Runtimes.class).getBundleContext();
        List<Event> events = new CopyOnWriteArrayList<>();
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, RuntimeTopics.STATUS);
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add, topics);
        Bundle peer = FrameworkUtil.getBundle(PeerRuntimeComponent.class);
        try {
            peer.stop();
            events.clear();
            long start = System.nanoTime();
            peer.start();
            long startedIn = (System.nanoTime() - start) / 1_000_000;
            ServiceReference<PeerRuntime> ref = context.getServiceReference(PeerRuntime.class);
            assertNotNull(ref, "the service is registered when the bundle's start returns");
            PeerRuntime runtime = context.getService(ref);
            RuntimeStatus atOnce = runtime.status();
            var listed = runtime.submit(new RuntimeCommand.ListPeers());
            assertEquals(RuntimeStatus.State.STARTING, atOnce.state(),
                    "the bundle's start (" + startedIn + " ms) returned while the runtime was starting");
            assertNotNull(listed.get(20, TimeUnit.SECONDS), "a command sent while starting runs after the start");
            assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state(), String.valueOf(runtime.status()));
            assertTrue(runtime.snapshot().games().size() >= 2000, "the first snapshot has every folder");
            TestPeer.await("STARTING then RUNNING on the status topic", 10, () -> events.stream()
                    .map(e -> ((RuntimeStatus) e.getProperty(RuntimeTopics.STATUS_PROPERTY)).state())
                    .filter(s -> s != RuntimeStatus.State.STOPPED) // the old runtime's, possibly delivered late
                    .toList().equals(List.of(RuntimeStatus.State.STARTING, RuntimeStatus.State.RUNNING)));
            context.ungetService(ref);
        } finally {
            handler.unregister();
            for (Path game : fillers) {
                Files.deleteIfExists(game.resolve("version.ini"));
                Files.deleteIfExists(game.resolve("filler.rar"));
                Files.deleteIfExists(game);
            }
            if (peer.getState() != Bundle.ACTIVE) {
                peer.start();
            }
            PeerRuntime runtime = Runtimes.awaitStarted();
            runtime.submit(new RuntimeCommand.SetGameDir(games)).get(20, TimeUnit.SECONDS); // forget the fillers
        }
    }

    @Test
    void aGameDirectoryChangePublishesTheSnapshotThroughEventAdmin(@TempDir Path games) throws Exception {
        Files.createDirectories(games.resolve("quake3"));
        Files.writeString(games.resolve("quake3/version.ini"), "20240315\n");
        Files.writeString(games.resolve("quake3/quake3.rar"), "archive");
        List<Event> events = new CopyOnWriteArrayList<>();
        Hashtable<String, Object> topics = new Hashtable<>();
        topics.put(EventConstants.EVENT_TOPIC, RuntimeTopics.PREFIX + "*");
        ServiceRegistration<EventHandler> handler = context.registerService(EventHandler.class, events::add, topics);
        try {
            PeerRuntime runtime = Runtimes.awaitStarted();
            assertEquals(games, runtime.submit(new RuntimeCommand.SetGameDir(games)).get(10, TimeUnit.SECONDS));
            TestPeer.await("a snapshot event with quake3", 10, () -> events.stream()
                    .filter(e -> e.getTopic().equals(RuntimeTopics.SNAPSHOT))
                    .map(e -> (GamesSnapshot) e.getProperty(RuntimeTopics.SNAPSHOT_PROPERTY))
                    .anyMatch(s -> s.games().stream().anyMatch(g -> g.id().equals("quake3")
                            && g.name().equals("Quake III Arena") && g.state() == GameState.DOWNLOADED)));
            assertEquals(runtime.snapshot().revision(), events.stream()
                    .filter(e -> e.getTopic().equals(RuntimeTopics.SNAPSHOT))
                    .mapToLong(e -> ((GamesSnapshot) e.getProperty(RuntimeTopics.SNAPSHOT_PROPERTY)).revision()).max()
                    .orElse(-1), "the newest event carries the current snapshot");
        } finally {
            handler.unregister();
        }
    }
}
