/**
 * The local game directory: scanning, availability, archive manifests and the change feed. Exported at
 * version 0.1.0.
 */
package org.lanspread.api.library;
