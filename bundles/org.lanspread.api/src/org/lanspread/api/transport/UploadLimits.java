package org.lanspread.api.transport;

/**
 * Limits on what a peer serves, so that a busy seed stays responsive.
 *
 * @param globalBytesPerSecond  all uploads together; 0 = unlimited
 * @param perPeerBytesPerSecond each requesting peer; 0 = unlimited
 * @param maxConcurrentUploads  chunk responses being sent at once, over all peers (further requests wait their
 *                              turn); 0 = unlimited
 */
public record UploadLimits(long globalBytesPerSecond, long perPeerBytesPerSecond, int maxConcurrentUploads) {

    public static final UploadLimits UNLIMITED = new UploadLimits(0, 0, 0);

    public UploadLimits {
        if (globalBytesPerSecond < 0 || perPeerBytesPerSecond < 0 || maxConcurrentUploads < 0) {
            throw new IllegalArgumentException("upload limits cannot be negative: " + globalBytesPerSecond + ", "
                    + perPeerBytesPerSecond + ", " + maxConcurrentUploads);
        }
    }
}
