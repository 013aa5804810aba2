package org.lanspread.ui.internal.parts;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.PeerTransportFactory;
import org.lanspread.api.transport.TransportSettings;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.testing.osgi.Services;
import org.lanspread.testing.rar.RarWriter;

/**
 * A real peer on loopback (the real QUIC transport and library) serving one game, quake3, as a stored RAR of random
 * bytes, with its uploads capped so that a download from it stays under way for a while.
 */
public final class SlowSeed implements AutoCloseable {

    private final GameLibrary library;
    private final PeerTransport transport;

    public SlowSeed(Path dir, long gameBytes, long bytesPerSecond) throws Exception {
        Path games = Files.createDirectories(dir.resolve("seed-games"));
        Path quake = Files.createDirectories(games.resolve("quake3"));
        RarWriter.rar5().randomFile("baseq3/pak0.pk3", gameBytes, 3).write(quake, "quake3");
        Files.writeString(quake.resolve("version.ini"), "20240315\n");
        library = Services.await(GameLibraryFactory.class).open(Files.createDirectories(dir.resolve("seed-state")),
                games);
        library.scan();
        GameManifest manifest = library.manifest("quake3");
        ContentSource content = new ContentSource() {
            @Override
            public List<AnnouncedGame> announced() {
                return List.of(new AnnouncedGame("quake3", "20240315", manifest.totalBytes()));
            }

            @Override
            public Optional<GameManifest> manifest(String gameId) {
                return gameId.equals("quake3") ? Optional.of(manifest) : Optional.empty();
            }

            @Override
            public Optional<Path> gameFolder(String gameId) {
                return gameId.equals("quake3") ? Optional.of(quake) : Optional.empty();
            }
        };
        transport = Services.await(PeerTransportFactory.class).open(new TransportSettings(
                Files.createDirectories(dir.resolve("seed-transport")), new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), 0), "lan-seed", new UploadLimits(0, bytesPerSecond, 1)),
                content);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), transport.localAddress().getPort());
    }

    @Override
    public void close() {
        transport.close();
        library.close();
    }
}
