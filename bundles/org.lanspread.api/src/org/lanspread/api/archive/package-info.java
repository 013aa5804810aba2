/**
 * Extracting a game's RAR archives. Any bundle may contribute an {@link org.lanspread.api.archive.ArchiveExtractor}
 * service; consumers use the one named by the {@value org.lanspread.api.archive.ArchiveExtractor#PREFERENCE}
 * preference when it is registered, else the one with the highest service ranking. Exported at version 0.3.0 (0.2:
 * {@link org.lanspread.api.archive.ArchiveExtractor#test}; 0.3: {@link org.lanspread.api.archive.ArchiveExtractor#entries}).
 */
package org.lanspread.api.archive;
