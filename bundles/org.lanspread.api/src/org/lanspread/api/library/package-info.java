/**
 * The local game directory: scanning, availability, archive manifests and the change feed. Exported at
 * version 0.2.0 (0.2: libraries opened through a factory).
 */
package org.lanspread.api.library;
