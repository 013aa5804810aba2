/**
 * The games a peer knows about, as the UI and other consumers see them.
 * <p>
 * Exported at version 0.2.0 (0.2: operations in the snapshot); a consumer imports {@code [0.2,0.3)}: before 1.0
 * a minor version may break.
 */
package org.lanspread.api.games;
