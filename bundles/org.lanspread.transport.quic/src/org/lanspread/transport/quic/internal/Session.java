package org.lanspread.transport.quic.internal;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener.GoneReason;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.quic.QuicChannel;

/**
 * An authenticated control stream with a peer, on either side: library announcements, pings and goodbye. A peer
 * that sends nothing for {@code missed} ping intervals is gone ({@link GoneReason#TIMEOUT}).
 */
final class Session {

    /** Ping interval and how many may pass without any message from the peer. */
    record Liveness(Duration interval, int missed) {
        static final Liveness DEFAULT = new Liveness(Duration.ofSeconds(2), 3);
    }

    /** Told when a message arrives and when the session ends. */
    interface Owner {
        void library(Session session, List<AnnouncedGame> games);

        void delta(Session session, List<AnnouncedGame> changed, Set<String> removed);

        void partial(Session session, PartialOffer offer);

        void have(Session session, String gameId, String version, List<ChunkRef> chunks);

        void partialEnd(Session session, String gameId);

        void ended(Session session, GoneReason reason, String detail);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final PeerHello hello;
    private final QuicChannel quic;
    private final Channel control;
    private final Owner owner;
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile long lastSeen = System.nanoTime();
    private ScheduledFuture<?> pinger;

    Session(PeerHello hello, QuicChannel quic, Channel control, Owner owner) {
        this.hello = hello;
        this.quic = quic;
        this.control = control;
        this.owner = owner;
    }

    PeerId peer() {
        return hello.peerId();
    }

    PeerHello hello() {
        return hello;
    }

    /** The peer's address on this connection. */
    java.net.InetSocketAddress remoteAddress() {
        return (java.net.InetSocketAddress) quic.remoteSocketAddress();
    }

    /** Announces this peer's library (and its partial offers, to a 1.1 peer) and starts pinging. */
    void start(List<AnnouncedGame> library, List<PartialOffer> partials, Liveness liveness) {
        ObjectNode message = JSON.createObjectNode().put("type", "library");
        message.set("games", games(library));
        send(message);
        partials.forEach(this::offerPartial);
        long interval = liveness.interval().toNanos();
        pinger = quic.eventLoop().scheduleAtFixedRate(() -> {
            if (System.nanoTime() - lastSeen > interval * liveness.missed()) {
                end(GoneReason.TIMEOUT, "no message for " + liveness.missed() + " ping intervals of "
                        + liveness.interval().toMillis() + " ms");
                quic.close();
            } else {
                send(JSON.createObjectNode().put("type", "ping"));
            }
        }, interval, interval, TimeUnit.NANOSECONDS);
        quic.closeFuture().addListener(f -> end(GoneReason.CLOSED, "the connection closed without a goodbye"));
    }

    /** Any message from the peer shows it is alive. */
    void touch() {
        lastSeen = System.nanoTime();
    }

    void onMessage(JsonNode message) {
        touch();
        switch (message.path("type").asText()) {
            case "library" -> owner.library(this, games(message.path("games")));
            case "library-delta" -> {
                Set<String> removed = new HashSet<>();
                message.path("removed").forEach(id -> removed.add(id.asText()));
                owner.delta(this, games(message.path("changed")), removed);
            }
            case "partial" -> {
                PartialOffer offer = PartialCodec.offer(message);
                if (offer != null) {
                    owner.partial(this, offer);
                }
            }
            case "have" -> {
                List<ChunkRef> chunks = PartialCodec.chunks(message);
                if (chunks != null) {
                    owner.have(this, PartialCodec.text(message, "gameId"), PartialCodec.text(message, "version"),
                            chunks);
                }
            }
            case "partial-end" -> {
                String gameId = PartialCodec.text(message, "gameId");
                if (gameId != null) {
                    owner.partialEnd(this, gameId);
                }
            }
            case "ping" -> send(JSON.createObjectNode().put("type", "pong"));
            case "goodbye" -> {
                end(GoneReason.GOODBYE, "said goodbye");
                quic.close();
            }
            default -> {
                // pong, and types from newer minor versions
            }
        }
    }

    ChannelFuture announce(List<AnnouncedGame> changed, Set<String> removed) {
        ObjectNode message = JSON.createObjectNode().put("type", "library-delta");
        message.set("changed", games(changed));
        ArrayNode gone = message.putArray("removed");
        removed.forEach(gone::add);
        return send(message);
    }

    /** Whether the peer speaks partial offers (protocol 1.1 or later). */
    boolean partials() {
        return hello.protocolMinor() >= 1;
    }

    void offerPartial(PartialOffer offer) {
        if (partials()) {
            send(PartialCodec.partial(offer));
        }
    }

    void have(String gameId, String version, List<ChunkRef> chunks) {
        if (partials()) {
            send(PartialCodec.have(gameId, version, chunks));
        }
    }

    void withdrawPartial(String gameId) {
        if (partials()) {
            send(PartialCodec.end(gameId));
        }
    }

    /** Says goodbye; the returned future completes when it was sent (or could not be). */
    ChannelFuture goodbye() {
        end(null, null);
        return send(JSON.createObjectNode().put("type", "goodbye"));
    }

    void close() {
        end(null, null);
        quic.close();
    }

    private ChannelFuture send(ObjectNode message) {
        return control.writeAndFlush(Unpooled.wrappedBuffer(message.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Ends the session once; {@code reason} null: ended by this side, nobody is told. */
    private void end(GoneReason reason, String detail) {
        if (!ended.compareAndSet(false, true)) {
            return;
        }
        if (pinger != null) {
            pinger.cancel(false);
        }
        owner.ended(this, reason, detail);
    }

    /** A content hash as protocol 1.1 announces it; anything else is ignored as if absent. */
    private static final java.util.regex.Pattern CONTENT_HASH = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    private static ArrayNode games(List<AnnouncedGame> games) {
        ArrayNode array = JSON.createArrayNode();
        for (AnnouncedGame game : games) {
            ObjectNode offer = array.addObject().put("id", game.id()).put("version", game.version())
                    .put("size", game.sizeBytes());
            if (game.content() != null) {
                offer.put("content", game.content());
            }
        }
        return array;
    }

    private static List<AnnouncedGame> games(JsonNode array) {
        List<AnnouncedGame> games = new ArrayList<>();
        for (JsonNode game : array) {
            if (game.hasNonNull("id") && game.hasNonNull("version")) {
                JsonNode content = game.get("content");
                games.add(new AnnouncedGame(game.get("id").asText(), game.get("version").asText(),
                        game.path("size").asLong(), content != null && content.isTextual()
                                && CONTENT_HASH.matcher(content.asText()).matches() ? content.asText() : null));
            }
        }
        return games;
    }
}
