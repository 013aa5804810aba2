/**
 * The games a peer knows about, as the UI and other consumers see them.
 * <p>
 * Exported at version 0.1.0; a consumer imports {@code [0.1,0.2)} until the API reaches 1.0.
 */
package org.lanspread.api.games;
