/**
 * Peer-to-peer transport: peer identities, connections and the hello exchange. Exported at version 0.1.0.
 */
package org.lanspread.api.transport;
