/**
 * Starting installed games: {@link org.lanspread.api.launch.GameLauncher} is the extension point (any bundle may
 * register one; the highest {@code service.ranking} that supports a game starts it) and
 * {@link org.lanspread.api.launch.GameLaunching} is what the UI calls. Exported at version 0.1.0.
 */
package org.lanspread.api.launch;
