package org.lanspread.ui.internal.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;

import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.swt.widgets.Display;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Table;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;

/**
 * The Peers part with the real runtime: a real QUIC peer connects on loopback, shows up, tells what it downloads and
 * how far, leaves.
 */
class PeersPartTest {

    private Display display;
    private Shell shell;

    @BeforeEach
    void openShell() {
        display = Display.getDefault();
        shell = new Shell(display);
        shell.setSize(900, 300);
    }

    @AfterEach
    void closeShell() {
        shell.dispose();
    }

    private void until(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            if (!display.readAndDispatch()) {
                Thread.sleep(10);
            }
        }
    }

    @Test
    void aPeerThatConnectsIsListedWithItsGamesAndGoesWhenItLeaves(@TempDir Path state) throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        InetSocketAddress runtimeAt = runtime.listenAddress();
        assertNotNull(runtimeAt, "the runtime listens");
        PeersPart part = ContextInjectionFactory.make(PeersPart.class,
                PartContexts.forPart(PartContexts.osgi(), shell));
        shell.open();
        Table table = part.viewer().getTable();
        until("the empty list", () -> table.getItemCount() == 0);
        int games = TestWindow.column(table, "Games offered");
        int downloading = TestWindow.column(table, "Downloading");
        // What changes during a party shows without scrolling in the default window's Peers part (~800 px wide).
        int edge = 0;
        for (int i = 0; i <= downloading; i++) {
            edge += table.getColumn(i).getWidth();
        }
        assertTrue(edge <= 800 && TestWindow.column(table, "From it") < downloading
                && TestWindow.column(table, "To it") < downloading,
                "the rates and downloads within the first 800 px: " + edge);

        ContentSource offering = new ContentSource() {
            @Override
            public List<AnnouncedGame> announced() {
                return List.of(new AnnouncedGame("quake3", "20240315", 1000));
            }
        };
        PeerTransport visitor = Services.await(PeerTransportFactory.class).open(new TransportSettings(
                Files.createDirectories(state.resolve("visitor")), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                "visitor", UploadLimits.UNLIMITED), offering);
        try (visitor) {
            PeerConnection connection = visitor.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                    runtimeAt.getPort()), null, Duration.ofSeconds(5));
            until("the visitor's row", () -> table.getItemCount() == 1
                    && table.getItem(0).getText(games).equals("1: quake3"));
            assertEquals("visitor", table.getItem(0).getText(0));
            assertEquals("", table.getItem(0).getText(downloading), "downloading nothing");
            // It downloads doom (8 chunks), holding 2, then 2 more: the Downloading column follows.
            java.util.BitSet held = new java.util.BitSet();
            held.set(0, 2);
            visitor.offerPartial(new PartialOffer("doom", "1.9", "ab".repeat(32), List.of(held), 30L << 20, 8));
            until("the visitor's download", () -> table.getItem(0).getText(downloading).equals("doom 25%"));
            visitor.have("doom", "1.9", List.of(new ChunkRef(0, 2), new ChunkRef(0, 3)));
            until("the visitor's progress", () -> table.getItem(0).getText(downloading).equals("doom 50%"));
            visitor.withdrawPartial("doom");
            until("the visitor's download to end", () -> table.getItem(0).getText(downloading).isEmpty());
            connection.close();
        }
        until("the visitor to leave the list", () -> table.getItemCount() == 0);
    }
}
