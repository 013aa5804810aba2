package org.lanspread.transport.quic.internal;

import static org.lanspread.transport.quic.internal.QuicPeerTransport.GOODBYE_BOUND;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.JSON;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.MAX_REQUEST_FRAME;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.REQUEST_TIMEOUT;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.TransportException.Reason;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.concurrent.Future;

/**
 * The client side of a connection to a peer: its session, manifest requests on the control stream and one chunk
 * request per stream, each bounded by {@link QuicPeerTransport#REQUEST_TIMEOUT}. Made by
 * {@link QuicPeerTransport#connect} once the hellos are exchanged.
 */
final class QuicConnection implements PeerConnection {
    private final QuicPeerTransport transport;
    private final QuicChannel quic;
    private final Channel udp;
    private final QuicStreamChannel control;
    private final ClientControl controlHandler;
    private final Session session;
    private final PeerHello remoteHello;

    QuicConnection(QuicPeerTransport transport, QuicChannel quic, Channel udp, QuicStreamChannel control, ClientControl controlHandler,
            Session session, PeerHello remoteHello) {
        this.transport = transport;
        this.quic = quic;
        this.udp = udp;
        this.control = control;
        this.controlHandler = controlHandler;
        this.session = session;
        this.remoteHello = remoteHello;
    }

    @Override
    public PeerId remoteId() {
        return remoteHello.peerId();
    }

    /** For tests that speak the protocol badly on purpose. */
    QuicChannel quic() {
        return quic;
    }

    @Override
    public PeerHello remoteHello() {
        return remoteHello;
    }

    @Override
    public boolean isOpen() {
        return quic.isActive();
    }

    @Override
    public GameManifest manifest(String gameId) throws TransportException {
        long id = controlHandler.ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        controlHandler.pending.put(id, reply);
        if (!control.isActive()) { // closed after a failure: nobody would answer
            reply.completeExceptionally(new IOException("the control stream is closed"));
        }
        control.writeAndFlush(json(JSON.createObjectNode().put("type", "manifest-request").put("id", id)
                .put("gameId", gameId)));
        JsonNode answer = await(reply, "the manifest of '" + gameId + "'");
        if ("error".equals(answer.path("type").asText())) {
            throw new TransportException(Reason.REFUSED, "peer " + remoteId().shortForm() + " refused the manifest of '"
                    + gameId + "': " + answer.path("message").asText());
        }
        try {
            return JSON.treeToValue(answer.get("manifest"), GameManifest.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new TransportException(Reason.PROTOCOL, "peer " + remoteId().shortForm()
                    + " sent an unreadable manifest: " + e.getMessage(), e);
        }
    }

    @Override
    public void fetch(ChunkRequest request, ByteBuffer into) throws TransportException {
        if (into.remaining() < request.length()) {
            throw new IllegalArgumentException("no room for " + request.length() + " bytes");
        }
        ChunkReceiver receiver = new ChunkReceiver(JSON, MAX_REQUEST_FRAME, into, request.length());
        QuicStreamChannel stream;
        Future<QuicStreamChannel> opening = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.pipeline().addLast(new LengthFieldPrepender(4), receiver);
                    }
                });
        try {
            stream = opening.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | InterruptedException e) {
            opening.addListener(f -> { // a stream opened after all would stay open, unused, until the connection ends
                if (f.isSuccess()) {
                    ((QuicStreamChannel) f.getNow()).close();
                }
            });
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
                throw new TransportException(Reason.UNREACHABLE, "interrupted", e);
            }
            throw new TransportException(Reason.UNREACHABLE, "cannot open a stream to peer " + remoteId().shortForm()
                    + ": " + e, e);
        }
        int start = into.position();
        boolean received = false;
        try {
            stream.writeAndFlush(json(JSON.createObjectNode().put("type", "chunk").put("gameId", request.gameId())
                    .put("version", request.version()).put("path", request.path()).put("offset", request.offset())
                    .put("length", request.length())));
            JsonNode head = awaitChunk(receiver.header(), request);
            if ("error".equals(head.path("type").asText())) {
                throw new TransportException(Reason.REFUSED, "peer " + remoteId().shortForm() + " refused "
                        + request.path() + " @" + request.offset() + ": " + head.path("message").asText());
            }
            if (head.path("length").asInt(-1) != request.length()) {
                throw new TransportException(Reason.PROTOCOL, "peer " + remoteId().shortForm() + " announced "
                        + head.path("length").asText() + " bytes for a request of " + request.length());
            }
            awaitChunk(receiver.done(), request);
            received = true;
            transport.count(remoteId(), 0, request.length());
        } finally {
            if (received) {
                stream.close();
            } else {
                // The receiver writes into the caller's buffer on the event loop: once the close has run there,
                // it never writes again, and the buffer is the caller's to reuse.
                stream.close().awaitUninterruptibly(REQUEST_TIMEOUT.toMillis());
                into.position(start);
            }
        }
    }

    /** As {@link #await}; a peer that broke the chunk protocol is named for it. */
    private <T> T awaitChunk(CompletableFuture<T> future, ChunkRequest request) throws TransportException {
        try {
            return await(future, "a chunk of '" + request.path() + "'");
        } catch (TransportException e) {
            if (e.getCause() instanceof ChunkReceiver.Violation violation) {
                throw new TransportException(Reason.PROTOCOL, "peer " + remoteId().shortForm() + " "
                        + violation.getMessage(), violation);
            }
            throw e;
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) throws TransportException {
        try {
            return future.get(REQUEST_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TransportException(Reason.UNREACHABLE, "peer " + remoteId().shortForm() + " did not send "
                    + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TransportException(Reason.UNREACHABLE, "peer " + remoteId().shortForm() + " did not send "
                    + what + " within " + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Reason.UNREACHABLE, "interrupted", e);
        }
    }

    /** Says goodbye (waiting a bounded time for it to be sent), then closes. */
    @Override
    public void close() {
        session.goodbye().awaitUninterruptibly(GOODBYE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        quic.close().awaitUninterruptibly(300, TimeUnit.MILLISECONDS);
        udp.close().awaitUninterruptibly(300, TimeUnit.MILLISECONDS);
    }

    /** Ends without a goodbye, as a crash would (for tests). */
    void abandon() {
        udp.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
}
