/**
 * Peer-to-peer transport: peer identities, connections and the hello exchange. Exported at version 0.6.0 (0.2:
 * transports opened through a factory, upload limits; 0.3: traffic counters, upload caps changed live; 0.4: offers
 * carry a content hash, protocol 1.1; 0.5: a partial offer says the size of the whole version; 0.6: served chunks
 * are checked against their manifest, {@link org.lanspread.api.transport.ContentSource#damaged}).
 */
package org.lanspread.api.transport;
