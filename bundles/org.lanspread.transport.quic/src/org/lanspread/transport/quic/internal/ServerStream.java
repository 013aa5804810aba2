package org.lanspread.transport.quic.internal;

import static org.lanspread.transport.quic.internal.QuicPeerTransport.JSON;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.MAX_CONTROL_FRAME;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.PEER;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.SESSION;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.json;
import static org.lanspread.transport.quic.internal.RequestFields.integer;
import static org.lanspread.transport.quic.internal.RequestFields.text;

import java.nio.charset.StandardCharsets;

import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamPriority;

/**
 * Server side of a stream. The hello comes first on the control stream; after it, manifest requests on the
 * control stream, and one chunk request per further stream. A malformed or oversize frame closes that stream
 * only; the connection and every other peer are unaffected.
 */
final class ServerStream extends SimpleChannelInboundHandler<ByteBuf> {

    static final int MAX_ECHO = 200;

    /**
     * How a connection's chunk responses share its packets: one after another, in the order they were requested
     * (not incremental), and after the control stream's messages ({@link #CONTROL_PRIORITY}). Interleaved, the four
     * chunks a downloader has in flight at a seed that serves eight peers all finish together, late, and nothing
     * can be passed on before; in turn, the first is done after a quarter of that time.
     */
    static final QuicStreamPriority CHUNK_PRIORITY = new QuicStreamPriority(4, false);
    /**
     * The control stream (hello, pings, offers, manifests) before any chunk data. It must be set: quiche's default
     * urgency is 127, after the chunks', and a control stream starved behind them times the connection out.
     */
    static final QuicStreamPriority CONTROL_PRIORITY = new QuicStreamPriority(0, true);
    /** For benchmarks: {@code -Dlanspread.quic.interleave=true} leaves chunk responses interleaved (as before). */
    private static final boolean INTERLEAVE = Boolean.getBoolean("lanspread.quic.interleave");

    private final QuicPeerTransport transport;

    ServerStream(QuicPeerTransport transport) {
        this.transport = transport;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
        QuicChannel connection = (QuicChannel) ctx.channel().parent();
        JsonNode message;
        try {
            message = JSON.readTree(frame.toString(StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            refuse(ctx, null, "protocol", "malformed JSON: " + e.getOriginalMessage(), true);
            return;
        }
        String type = message.path("type").asText();
        if (type.equals("hello")) {
            if (((QuicStreamChannel) ctx.channel()).streamId() != 0 || connection.attr(PEER).get() != null) {
                drop(ctx, connection, "one hello per connection, on the control stream");
                return;
            }
            if (!INTERLEAVE) {
                ((QuicStreamChannel) ctx.channel()).updatePriority(CONTROL_PRIORITY);
            }
            hello(ctx, connection, message);
            return;
        }
        if (connection.attr(PEER).get() == null) {
            refuse(ctx, null, "protocol", "the hello comes first", true);
            return;
        }
        Session session = ctx.channel().attr(SESSION).get();
        if (session != null) {
            session.touch();
        }
        switch (type) {
            case "manifest-request" -> manifest(ctx, message);
            case "chunk" -> chunk(ctx, message);
            case "library", "library-delta", "partial", "have", "partial-end", "ping", "pong", "goodbye" -> {
                if (session != null) {
                    session.onMessage(message);
                }
            }
            default -> {
                // unknown types are ignored (newer minor versions may send them)
            }
        }
    }

    private void hello(ChannelHandlerContext ctx, QuicChannel connection, JsonNode message) throws Exception {
        PeerId proven = PeerTrust.certificateId(connection);
        if (!proven.hex().equals(message.path("peerId").asText())) {
            refuse(ctx, null, "identity", "your hello claims peer " + message.path("peerId").asText()
                    + " but your certificate is peer " + proven, true);
            return;
        }
        int major = message.path("major").asInt(-1);
        if (major != transport.protocolMajor) {
            refuse(ctx, null, "version", "protocol " + major + "." + message.path("minor").asInt()
                    + " is not compatible with this peer's " + transport.protocolMajor + "." + transport.protocolMinor, true);
            return;
        }
        connection.attr(PEER).set(proven);
        ctx.writeAndFlush(json(transport.hello()));
        Session session = new Session(new PeerHello(proven, major, message.path("minor").asInt(),
                message.path("name").asText(""), message.path("port").asInt(0)), connection, ctx.channel(), transport.owner);
        ctx.channel().attr(SESSION).set(session);
        if (!transport.opened(session)) {
            session.goodbye();
            session.close(); // a hello that completed while this peer was closing
        }
    }

    private void manifest(ChannelHandlerContext ctx, JsonNode message) {
        long id;
        String gameId;
        try {
            id = integer(message, "id", 0, Long.MAX_VALUE);
            gameId = text(message, "gameId");
        } catch (IllegalArgumentException e) {
            refuse(ctx, null, "refused", e.getMessage(), false);
            return;
        }
        // A first manifest hashes the whole download: never on this network thread.
        transport.uploads.execute(() -> {
            try {
                GameManifest manifest = transport.chunks.manifest(gameId);
                ObjectNode reply = JSON.createObjectNode().put("type", "manifest").put("id", id);
                reply.set("manifest", JSON.valueToTree(manifest));
                ByteBuf frame = json(reply);
                int size = frame.readableBytes();
                if (size > MAX_CONTROL_FRAME) {
                    frame.release();
                    refuse(ctx, id, "refused", "the manifest of '" + gameId + "' is " + size
                            + " bytes of JSON, more than the " + MAX_CONTROL_FRAME + " a message may have", false);
                    return;
                }
                ctx.writeAndFlush(frame);
            } catch (ChunkServer.Refused e) {
                refuse(ctx, id, "refused", e.getMessage(), false);
            } catch (RuntimeException | Error e) { // an Error too: the requester is told instead of waiting
                refuse(ctx, id, "refused", "cannot make the manifest of '" + gameId + "': " + e, false);
            }
        });
    }

    private void chunk(ChannelHandlerContext ctx, JsonNode message) {
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        ChunkRequest request;
        try {
            request = new ChunkRequest(text(message, "gameId"), text(message, "version"), text(message, "path"),
                    integer(message, "offset", 0, Long.MAX_VALUE), (int) integer(message, "length", 1,
                            Integer.MAX_VALUE));
        } catch (IllegalArgumentException | NullPointerException e) {
            refuse(ctx, null, "refused", e.getMessage(), false);
            stream.shutdownOutput();
            return;
        }
        QuicChannel connection = stream.parent();
        if (!INTERLEAVE) {
            stream.updatePriority(CHUNK_PRIORITY);
        }
        // Read on the upload pool once its bytes fit the upload budget, never on this network thread.
        transport.uploads.submit(transport.uploadAccount(connection), connection.attr(PEER).get(), request.length(),
                new ChunkUpload(transport, ctx, request, connection.attr(PEER).get()));
    }

    /** Sends the documented error frame (its text cut to a bounded size); {@code close}: then closes the stream. */
    static void refuse(ChannelHandlerContext ctx, Long id, String code, String text, boolean close) {
        ObjectNode error = JSON.createObjectNode().put("type", "error").put("code", code).put("message", cut(text));
        if (id != null) {
            error.put("id", id);
        }
        var written = ctx.writeAndFlush(json(error));
        if (close) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** A protocol violation that ends the connection: the error frame, then the connection is closed. */
    private static void drop(ChannelHandlerContext ctx, QuicChannel connection, String text) {
        ObjectNode error = JSON.createObjectNode().put("type", "error").put("code", "protocol").put("message", text);
        ctx.writeAndFlush(json(error)).addListener(f -> connection.close());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // e.g. a frame over the limit: this stream is done, the connection is not
    }

    /** {@code text}, cut to {@value #MAX_ECHO} characters: an error never echoes a whole oversized request. */
    static String cut(String text) {
        return text == null || text.length() <= MAX_ECHO ? text : text.substring(0, MAX_ECHO) + "... ("
                + text.length() + " characters)";
    }
}
