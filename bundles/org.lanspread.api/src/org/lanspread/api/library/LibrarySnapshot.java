package org.lanspread.api.library;

import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * All games of a game directory at one moment.
 *
 * @param revision      increases with every change the library publishes
 * @param gameDirectory the directory scanned
 * @param games         by id, sorted
 */
public record LibrarySnapshot(long revision, Path gameDirectory, Map<String, LocalGame> games) {
    public LibrarySnapshot {
        games = Collections.unmodifiableMap(new TreeMap<>(games));
    }
}
