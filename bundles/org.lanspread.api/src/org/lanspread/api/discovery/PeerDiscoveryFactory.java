package org.lanspread.api.discovery;

import java.io.IOException;

/**
 * Starts discovery sessions. Registered by a discovery bundle; the peer runtime starts a session once its transport
 * listens (the session advertises the transport's id and port) and restarts it when it fails.
 */
public interface PeerDiscoveryFactory {

    DiscoverySession start(DiscoverySettings settings) throws IOException;
}
