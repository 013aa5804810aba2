package org.lanspread.api.games;

/** Provides the current {@link GamesSnapshot}. Registered as an OSGi service. */
public interface GamesSnapshotProvider {
    GamesSnapshot snapshot();
}
