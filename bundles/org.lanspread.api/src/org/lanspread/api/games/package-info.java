/**
 * The games a peer knows about, as the UI and other consumers see them.
 * <p>
 * Exported at version 0.6.0 (0.2: operations in the snapshot; 0.3: the DAMAGED state; 0.4: the peers a
 * download fetches from; 0.5: deleting a game; 0.6: repairing a game); a consumer imports {@code [0.6,0.7)}: before
 * 1.0 a minor version may break.
 */
package org.lanspread.api.games;
