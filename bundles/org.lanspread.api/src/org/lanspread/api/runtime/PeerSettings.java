package org.lanspread.api.runtime;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.lanspread.api.transport.UploadLimits;

/**
 * What a user may change while the peer runs (see {@link RuntimeCommand.ApplySettings}). The runtime saves applied
 * settings in its state location and starts with them next time; a framework or system property given at start
 * (e.g. {@code -Dlanspread.gamedir=…}) still wins for that run.
 *
 * @param gameDirectory the game directory
 * @param uploads       upload caps
 * @param extractor     the preferred {@link org.lanspread.api.archive.ArchiveExtractor} id, or {@code null} for the
 *                      highest-ranked available one
 * @param manualPeers   peers to contact directly (for networks where multicast is blocked)
 * @param confirmed     whether the game directory was chosen (saved by the user, or given at start); false on a
 *                      first start, when the UI should ask for it
 */
public record PeerSettings(Path gameDirectory, UploadLimits uploads, String extractor,
        List<InetSocketAddress> manualPeers, boolean confirmed) {

    public PeerSettings {
        Objects.requireNonNull(gameDirectory, "gameDirectory");
        Objects.requireNonNull(uploads, "uploads");
        manualPeers = List.copyOf(manualPeers);
        extractor = extractor == null || extractor.isBlank() ? null : extractor.strip();
    }

    public PeerSettings withGameDirectory(Path directory) {
        return new PeerSettings(directory, uploads, extractor, manualPeers, confirmed);
    }
}
