package org.lanspread.transport.quic.internal;

import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerListener.GoneReason;

/** Routes what sessions hear to the transport's listeners; a listener that throws is logged, the others still hear. */
final class SessionEvents implements Session.Owner {

    private final List<PeerListener> listeners;
    private final Set<Session> sessions;

    /** @param sessions the transport's open sessions: an ended one is removed, and reported gone once */
    SessionEvents(List<PeerListener> listeners, Set<Session> sessions) {
        this.listeners = listeners;
        this.sessions = sessions;
    }

    @Override
    public void library(Session session, List<AnnouncedGame> games) {
        listeners.forEach(l -> notify(() -> l.libraryReceived(session.peer(), games)));
    }

    @Override
    public void delta(Session session, List<AnnouncedGame> changed, Set<String> removed) {
        listeners.forEach(l -> notify(() -> l.libraryChanged(session.peer(), changed, removed)));
    }

    @Override
    public void partial(Session session, PartialOffer offer) {
        listeners.forEach(l -> notify(() -> l.partialOffered(session.peer(), offer)));
    }

    @Override
    public void have(Session session, String gameId, String version, List<ChunkRef> chunks) {
        listeners.forEach(l -> notify(() -> l.partialHave(session.peer(), gameId, version, chunks)));
    }

    @Override
    public void partialEnd(Session session, String gameId) {
        listeners.forEach(l -> notify(() -> l.partialWithdrawn(session.peer(), gameId)));
    }

    @Override
    public void ended(Session session, GoneReason reason, String detail) {
        if (!sessions.remove(session)) {
            return; // never reported open (it completed while closing): nothing to report gone
        }
        GoneReason why = reason == null ? GoneReason.LOCAL : reason;
        String what = reason == null ? "closed by this peer" : detail;
        listeners.forEach(l -> notify(() -> l.peerGone(session.peer(), why, what)));
    }

    static void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            Logger.getLogger(QuicPeerTransport.class.getName()).log(Level.WARNING, "a peer listener failed", e);
        }
    }
}
