package org.lanspread.api.runtime;

import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.PeerId;

/**
 * A connected peer.
 *
 * @param id       its identity
 * @param name     its display name
 * @param address  where its transport listens
 * @param games    what it offers now
 * @param lastSeen when it was last heard from
 */
public record PeerSummary(PeerId id, String name, InetSocketAddress address, List<AnnouncedGame> games,
        Instant lastSeen) {
    public PeerSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        games = List.copyOf(games);
    }
}
