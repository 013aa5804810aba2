package org.lanspread.api.transport;

/** An open, authenticated connection to a peer. */
public interface PeerConnection extends AutoCloseable {

    /** The remote peer's identity, proven by its certificate. */
    PeerId remoteId();

    /** What the remote peer said in its hello. */
    PeerHello remoteHello();

    boolean isOpen();

    /** Closes the connection; never throws. */
    @Override
    void close();
}
