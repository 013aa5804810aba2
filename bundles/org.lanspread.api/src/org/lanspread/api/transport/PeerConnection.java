package org.lanspread.api.transport;

import java.nio.ByteBuffer;

import org.lanspread.api.library.GameManifest;

/** An open, authenticated connection to a peer. */
public interface PeerConnection extends AutoCloseable {

    /** The remote peer's identity, proven by its certificate. */
    PeerId remoteId();

    /** What the remote peer said in its hello. */
    PeerHello remoteHello();

    boolean isOpen();

    /** The peer's manifest of a game it serves; {@link TransportException.Reason#REFUSED} when it does not. */
    GameManifest manifest(String gameId) throws TransportException;

    /**
     * Fetches one chunk into {@code into} (which must have room for {@code request.length()} bytes). The bytes are
     * not verified here: the caller checks them against the manifest's hash.
     */
    void fetch(ChunkRequest request, ByteBuffer into) throws TransportException;

    /** Closes the connection; never throws. */
    @Override
    void close();
}
