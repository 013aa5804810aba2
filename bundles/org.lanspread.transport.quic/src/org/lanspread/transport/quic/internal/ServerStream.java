package org.lanspread.transport.quic.internal;

import static org.lanspread.transport.quic.internal.QuicPeerTransport.JSON;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.MAX_CONTROL_FRAME;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.PEER;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.SESSION;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.json;

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

/**
 * Server side of a stream. The hello comes first on the control stream; after it, manifest requests on the
 * control stream, and one chunk request per further stream. A malformed or oversize frame closes that stream
 * only; the connection and every other peer are unaffected.
 */
final class ServerStream extends SimpleChannelInboundHandler<ByteBuf> {

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
            case "library", "library-delta", "ping", "pong", "goodbye" -> {
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
        long id = message.path("id").asLong(-1);
        String gameId = message.path("gameId").asText();
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
            } catch (RuntimeException e) {
                refuse(ctx, id, "refused", "cannot make the manifest of '" + gameId + "': " + e.getMessage(),
                        false);
            }
        });
    }

    private void chunk(ChannelHandlerContext ctx, JsonNode message) {
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        ChunkRequest request;
        try {
            request = new ChunkRequest(text(message, "gameId"), text(message, "version"), text(message, "path"),
                    message.path("offset").asLong(-1), message.path("length").asInt(-1));
        } catch (IllegalArgumentException | NullPointerException e) {
            refuse(ctx, null, "refused", e.getMessage(), false);
            stream.shutdownOutput();
            return;
        }
        PeerId peer = ((QuicChannel) stream.parent()).attr(PEER).get();
        // The disk read and the caps' pacing happen on the upload pool, never on this network thread.
        transport.uploads.submit(peer, new Uploads.Job() {
            /** Read and not yet handed to Netty: released here if the job fails before it is sent. */
            private ByteBuf bytes;

            @Override
            public int read() throws Exception {
                bytes = transport.chunks.read(request, ctx.alloc());
                return bytes.readableBytes();
            }

            @Override
            public void send() {
                ByteBuf data = bytes;
                bytes = null; // Netty owns it from here, also when the write fails
                int length = data.readableBytes();
                ctx.write(json(JSON.createObjectNode().put("type", "chunk-data").put("length", length)));
                ctx.writeAndFlush(data).addListener(f -> {
                    if (f.isSuccess()) {
                        transport.count(peer, 1, length);
                    }
                    stream.shutdownOutput();
                });
            }

            @Override
            public void fail(Exception error) {
                if (bytes != null) {
                    bytes.release();
                    bytes = null;
                }
                String why = error instanceof ChunkServer.Refused ? error.getMessage()
                        : "cannot read '" + request.path() + "': " + error.getMessage();
                refuse(ctx, null, "refused", why, false);
                stream.shutdownOutput();
            }
        });
    }

    private void refuse(ChannelHandlerContext ctx, Long id, String code, String text, boolean close) {
        ObjectNode error = JSON.createObjectNode().put("type", "error").put("code", code).put("message", text);
        if (id != null) {
            error.put("id", id);
        }
        var written = ctx.writeAndFlush(json(error));
        if (close) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close(); // e.g. a frame over the limit: this stream is done, the connection is not
    }

    private static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        if (value == null || !value.isTextual()) {
            throw new IllegalArgumentException("the request has no text field '" + field + "'");
        }
        return value.asText();
    }
}
