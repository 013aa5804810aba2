package org.lanspread.peer.tests;

import org.lanspread.api.games.GamesSnapshotProvider;

/**
 * A DS component in this bundle that consumes the runtime's snapshot service, as any consumer bundle would.
 * Declared in OSGI-INF/org.lanspread.peer.tests.SnapshotConsumer.xml.
 */
public class SnapshotConsumer {

    private GamesSnapshotProvider provider;

    public GamesSnapshotProvider provider() {
        return provider;
    }
}
