package org.lanspread.api.transport;

import java.nio.file.Path;

import org.lanspread.api.library.GameManifest;

/**
 * What a peer serves of a version it is still downloading: only chunks that are verified against the manifest and
 * journalled, read from where the download keeps them.
 *
 * @since 0.4
 */
public interface PartialContent {

    /** The manifest being downloaded. */
    GameManifest manifest();

    /** Whether chunk {@code chunk} of file {@code file} (manifest order) is verified and journalled. */
    boolean holds(int file, int chunk);

    /** Where file {@code file}'s bytes are while it is downloaded. */
    Path file(int file);
}
