package org.lanspread.api.library;

import java.util.List;
import java.util.Set;

/**
 * What changed between two library revisions: the same shape peers receive.
 *
 * @param revision the revision after the change
 * @param changed  games added or changed, in full
 * @param removed  ids of games that are gone
 */
public record LibraryDelta(long revision, List<LocalGame> changed, Set<String> removed) {
    public LibraryDelta {
        changed = List.copyOf(changed);
        removed = Set.copyOf(removed);
    }

    public boolean isEmpty() {
        return changed.isEmpty() && removed.isEmpty();
    }
}
