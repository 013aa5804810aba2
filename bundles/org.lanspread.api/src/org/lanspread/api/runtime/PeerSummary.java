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
 * @param downBytesPerSecond game data received from it, over the last second or so
 * @param upBytesPerSecond   game data sent to it, over the last second or so
 * @param downloading        the versions it is downloading now, with its progress (since 0.5)
 */
public record PeerSummary(PeerId id, String name, InetSocketAddress address, List<AnnouncedGame> games,
        Instant lastSeen, long downBytesPerSecond, long upBytesPerSecond, List<PeerDownload> downloading) {

    /** A peer that downloads nothing. */
    public PeerSummary(PeerId id, String name, InetSocketAddress address, List<AnnouncedGame> games,
            Instant lastSeen, long downBytesPerSecond, long upBytesPerSecond) {
        this(id, name, address, games, lastSeen, downBytesPerSecond, upBytesPerSecond, List.of());
    }

    /** A peer with no transfer under way. */
    public PeerSummary(PeerId id, String name, InetSocketAddress address, List<AnnouncedGame> games,
            Instant lastSeen) {
        this(id, name, address, games, lastSeen, 0, 0);
    }

    public PeerSummary {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        games = List.copyOf(games);
        downloading = List.copyOf(downloading);
    }
}
