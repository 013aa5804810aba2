package org.lanspread.api.transport;

/**
 * Game data moved with one peer since the transport opened: chunk payload bytes only (no control messages, no
 * packet overhead), so that rates derived from it compare with file sizes.
 *
 * @param bytesReceived chunk bytes fetched from the peer
 * @param bytesSent     chunk bytes served to the peer
 */
public record PeerTraffic(long bytesReceived, long bytesSent) {

    public static final PeerTraffic NONE = new PeerTraffic(0, 0);

    public PeerTraffic {
        if (bytesReceived < 0 || bytesSent < 0) {
            throw new IllegalArgumentException("traffic cannot be negative: " + bytesReceived + ", " + bytesSent);
        }
    }
}
