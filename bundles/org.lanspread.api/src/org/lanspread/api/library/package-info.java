/**
 * The local game directory: scanning, availability, archive manifests and the change feed. Exported at
 * version 0.5.0 (0.2: libraries opened through a factory; 0.3: archive checks and
 * {@link org.lanspread.api.library.GameManifest#contentHash()}; 0.4: damage found while serving is recorded;
 * 0.5: verifying against a given manifest, naming the {@link org.lanspread.api.library.DamagedChunk}s).
 */
package org.lanspread.api.library;
