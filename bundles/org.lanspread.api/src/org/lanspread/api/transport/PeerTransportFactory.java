package org.lanspread.api.transport;

import java.io.IOException;

/**
 * Opens {@link PeerTransport}s. Registered by a transport bundle; the peer runtime opens one transport when its
 * server service starts and closes it when the runtime stops, so the runtime, not the framework, decides when this
 * peer listens.
 */
public interface PeerTransportFactory {

    /**
     * Starts listening as configured.
     *
     * @param content what to serve; consulted on every request, so it may change at any time
     * @throws IOException when the transport cannot listen (e.g. the port is taken); the message says where
     */
    PeerTransport open(TransportSettings settings, ContentSource content) throws IOException;
}
