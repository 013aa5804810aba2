/**
 * Peer-to-peer transport: peer identities, connections and the hello exchange. Exported at version 0.2.0 (0.2: transports opened through a
 * factory, upload limits).
 */
package org.lanspread.api.transport;
