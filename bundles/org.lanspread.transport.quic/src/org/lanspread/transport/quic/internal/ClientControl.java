package org.lanspread.transport.quic.internal;

import static org.lanspread.transport.quic.internal.QuicPeerTransport.JSON;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.JsonNode;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;

/** Client side of the control stream: the hello reply, then replies matched to requests by id. */
final class ClientControl extends SimpleChannelInboundHandler<ByteBuf> {
    final CompletableFuture<JsonNode> hello = new CompletableFuture<>();
    final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    final AtomicLong ids = new AtomicLong();
    /** Messages that arrive between the hello and the session being attached (event loop only). */
    private final List<JsonNode> early = new ArrayList<>();
    private Session session;

    /** Attaches the session on the stream's event loop, replaying what arrived before. */
    void attach(Channel stream, Session attached) {
        stream.eventLoop().execute(() -> {
            session = attached;
            early.forEach(attached::onMessage);
            early.clear();
        });
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        JsonNode message;
        try {
            message = JSON.readTree(frame.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            ctx.close();
            return;
        }
        if (!hello.isDone()) {
            hello.complete(message);
            return;
        }
        if (session != null) {
            session.touch();
        }
        CompletableFuture<JsonNode> waiting = message.has("id") ? pending.remove(message.path("id").asLong(-1))
                : null;
        if (waiting != null) {
            waiting.complete(message);
        } else if (session != null) {
            session.onMessage(message);
        } else {
            early.add(message);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        failAll(new IOException("the peer closed the control stream"));
    }

    /**
     * A frame over the limit or an unreadable stream: the peer is broken. Whoever waits for an answer is told
     * why at once (not after the request timeout), and the control stream is closed.
     */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failAll(new IOException("the peer broke the control stream: " + cause.getMessage(), cause));
        ctx.close();
    }

    private void failAll(IOException error) {
        hello.completeExceptionally(error);
        pending.values().forEach(f -> f.completeExceptionally(error));
        pending.clear();
    }
}
