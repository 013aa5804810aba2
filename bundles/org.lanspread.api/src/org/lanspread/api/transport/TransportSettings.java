package org.lanspread.api.transport;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How a transport is opened.
 *
 * @param stateDirectory where the persistent identity (key pair and certificate) is kept
 * @param bind           the UDP address to listen on (port 0: any free port)
 * @param name           the display name sent in hellos
 * @param uploads        limits on serving chunks to peers
 */
public record TransportSettings(Path stateDirectory, InetSocketAddress bind, String name, UploadLimits uploads) {
    public TransportSettings {
        Objects.requireNonNull(stateDirectory, "stateDirectory");
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(uploads, "uploads");
    }
}
