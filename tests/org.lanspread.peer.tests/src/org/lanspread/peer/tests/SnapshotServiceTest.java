package org.lanspread.peer.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.games.GameState;
import org.lanspread.api.games.GameView;
import org.lanspread.api.games.GamesSnapshot;
import org.lanspread.api.games.GamesSnapshotProvider;
import org.lanspread.api.library.GameLibrary;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;
import org.lanspread.testing.osgi.Services;

class SnapshotServiceTest {

    private final BundleContext context = FrameworkUtil.getBundle(SnapshotServiceTest.class).getBundleContext();

    private static <T> T awaitService(Class<T> type) {
        return Services.await(type);
    }

    @Test
    void snapshotProviderIsRegisteredByThePeerBundleThroughDeclarativeServices() throws Exception {
        awaitService(GamesSnapshotProvider.class);
        ServiceReference<GamesSnapshotProvider> ref = context.getServiceReference(GamesSnapshotProvider.class);
        assertEquals("org.lanspread.peer", ref.getBundle().getSymbolicName());
        assertNotNull(ref.getProperty("component.name"), "registered by SCR, so it carries a component.name");
    }

    @Test
    void componentInAnotherBundleIsBoundToTheProvider() throws Exception {
        SnapshotConsumer consumer = awaitService(SnapshotConsumer.class);
        ServiceReference<GamesSnapshotProvider> ref = context.getServiceReference(GamesSnapshotProvider.class);
        assertSame(context.getService(ref), consumer.provider());
        context.ungetService(ref);

        ServiceComponentRuntime scr = awaitService(ServiceComponentRuntime.class);
        ComponentDescriptionDTO description = scr.getComponentDescriptionDTO(context.getBundle(),
                SnapshotConsumer.class.getName());
        assertNotNull(description, "the consumer's component description was generated and found by SCR");
        ComponentConfigurationDTO configuration = scr.getComponentConfigurationDTOs(description).iterator().next();
        assertEquals(ComponentConfigurationDTO.ACTIVE, configuration.state);
        SatisfiedReferenceDTO bound = Arrays.stream(configuration.satisfiedReferences)
                .filter(r -> r.name.equals("provider")).findFirst()
                .orElseThrow(() -> new AssertionError("reference 'provider' is not satisfied"));
        assertEquals(1, bound.boundServices.length);
        assertEquals(ref.getProperty("service.id"), bound.boundServices[0].id);
    }

    @Test
    void snapshotDerivesEachGamesStateFromTheGameDirectory(@TempDir Path games) throws Exception {
        write(games.resolve("quake3/version.ini"), "20240315\n");
        write(games.resolve("quake3/quake3.rar"), "archive");
        write(games.resolve("unreal/version.ini"), "[game]\nversion = 1.2\n");
        write(games.resolve("unreal/unreal.part1.rar"), "archive");
        Files.createDirectories(games.resolve("unreal/local"));
        Files.createDirectories(games.resolve("doom/local"));
        write(games.resolve("broken/version.ini"), "name=x\nsomething else\n");
        write(games.resolve("not-a-game.txt"), "ignored: not a folder");
        awaitService(GameLibrary.class).setGameDirectory(games);

        GamesSnapshotProvider provider = awaitService(GamesSnapshotProvider.class);
        GamesSnapshot first = provider.snapshot();
        Map<String, GameView> byId = first.games().stream()
                .collect(Collectors.toMap(GameView::id, Function.identity()));

        assertEquals(4, byId.size(), byId.toString());
        assertEquals("Quake III Arena", byId.get("quake3").name(), "named by the catalog");
        assertEquals("broken", byId.get("broken").name(), "unknown to the catalog: named by its id");
        assertEquals(GameState.DOWNLOADED, byId.get("quake3").state());
        assertEquals("20240315", byId.get("quake3").localVersion());
        assertEquals(GameState.INSTALLED, byId.get("unreal").state());
        assertEquals("1.2", byId.get("unreal").localVersion());
        assertEquals(GameState.LOCAL_ONLY, byId.get("doom").state());
        assertNull(byId.get("doom").localVersion());
        assertEquals(GameState.BROKEN, byId.get("broken").state());

        Files.createDirectories(games.resolve("quake3/local"));
        awaitService(GameLibrary.class).refresh("quake3");
        GamesSnapshot second = provider.snapshot();
        assertTrue(second.revision() > first.revision(), "revisions increase");
        assertEquals(GameState.INSTALLED, second.games().stream().filter(g -> g.id().equals("quake3")).findFirst()
                .orElseThrow().state());
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
