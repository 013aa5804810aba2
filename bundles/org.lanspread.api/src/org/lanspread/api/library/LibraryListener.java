package org.lanspread.api.library;

/** Receives library deltas. Called on the library's own thread: do not block. */
@FunctionalInterface
public interface LibraryListener {
    void libraryChanged(LibraryDelta delta);
}
