/**
 * The peer runtime service, its commands and results, the EventAdmin topics it posts, and runtime-wide
 * conventions shared by the bundles. Exported at version 0.7.0 (0.2: the runtime service; 0.3: settings
 * applied live and saved, transfer rates per peer; 0.4: peers disagreeing about a version's content; 0.5:
 * what each peer is downloading; 0.6: the log directory, deleting a game; 0.7: repairing a game).
 */
package org.lanspread.api.runtime;
