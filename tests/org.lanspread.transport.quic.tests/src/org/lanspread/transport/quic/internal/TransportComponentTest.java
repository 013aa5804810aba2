package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.testing.osgi.Services;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceRegistration;

/** The transport as a DS service: configured from properties, serving whatever ContentSource is registered. */
class TransportComponentTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private List<AnnouncedGame> libraryOf(PeerTransport service) throws Exception {
        CompletableFuture<List<AnnouncedGame>> library = new CompletableFuture<>();
        try (QuicPeerTransport client = new QuicPeerTransport(dir.resolve("client" + System.nanoTime()),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), "client", ContentSource.NONE)) {
            client.addListener(new PeerListener() {
                @Override
                public void libraryReceived(PeerId peer, List<AnnouncedGame> games) {
                    library.complete(games);
                }
            });
            try (PeerConnection connection = client.connect(service.localAddress(), service.localId(), TIMEOUT)) {
                assertEquals("test-peer", connection.remoteHello().name());
                return library.get(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void theServiceListensOnTheConfiguredAddressAndServesTheRegisteredContentSource() throws Exception {
        PeerTransport service = Services.await(PeerTransport.class);
        assertTrue(service.localAddress().getAddress().isLoopbackAddress(), service.localAddress().toString());
        assertTrue(service.localAddress().getPort() > 0);
        assertEquals(List.of(), libraryOf(service), "no content source: nothing offered");

        AnnouncedGame quake = new AnnouncedGame("quake3", "1", 10);
        BundleContext context = FrameworkUtil.getBundle(TransportComponentTest.class).getBundleContext();
        ServiceRegistration<ContentSource> registration = context.registerService(ContentSource.class,
                new ContentSource() {
                    @Override
                    public List<AnnouncedGame> announced() {
                        return List.of(quake);
                    }
                }, null);
        try {
            assertEquals(List.of(quake), libraryOf(service), "the registered content source is served");
        } finally {
            registration.unregister();
        }
        assertEquals(List.of(), libraryOf(service), "unregistered again: nothing offered, no restart needed");
    }

    @Test
    void bindAddressesAreParsedWithClearErrors() {
        assertEquals(new InetSocketAddress("127.0.0.1", 0), QuicTransportComponent.bindAddress("127.0.0.1:0"));
        assertEquals(47800, QuicTransportComponent.bindAddress(null).getPort());
        assertEquals(5000, QuicTransportComponent.bindAddress("[::1]:5000").getPort());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> QuicTransportComponent.bindAddress("localhost"));
        assertTrue(e.getMessage().contains("host:port"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> QuicTransportComponent.bindAddress("h:99999"));
        assertTrue(e.getMessage().contains("out of range"), e.getMessage());
    }
}
