package org.lanspread.peer.internal;

import java.util.Map;

import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.catalog.GameCatalog;
import org.lanspread.api.discovery.PeerDiscoveryFactory;
import org.lanspread.api.library.GameLibraryFactory;
import org.lanspread.api.transport.PeerTransportFactory;

/**
 * The services a runtime uses, looked up when needed: some come and go while it runs (discovery, extractors, the
 * event admin), and the runtime copes.
 */
interface RuntimeDependencies {

    GameLibraryFactory libraries();

    PeerTransportFactory transports();

    /** The discovery factory now, or null when none is registered. */
    PeerDiscoveryFactory discovery();

    /** The extractor to use now (preference, then ranking), or null when none is available. */
    ArchiveExtractor extractor(String preferredId);

    /** The extractor to check archives with now: as {@link #extractor}, among those that can test; or null. */
    ArchiveExtractor tester(String preferredId);

    /** The catalog, or null. */
    GameCatalog catalog();

    /** Posts an event (asynchronously); dropped when no event admin is registered. */
    void post(String topic, Map<String, Object> properties);
}
