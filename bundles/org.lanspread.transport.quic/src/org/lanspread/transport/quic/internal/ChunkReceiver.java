package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Reads the answer to one chunk request as it arrives: a length-prefixed JSON header, then (unless the header is an
 * error) a length-prefixed block of raw bytes that is copied straight into the caller's buffer. A frame decoder
 * would gather the 4 MiB block in growing buffers first and copy it twice more; this copies each byte once.
 *
 * <p>Runs on the stream's event loop. The caller reads {@code into} only after {@link #done()} completed, and
 * before it reuses {@code into} after a failure it closes the stream and waits for that (this handler runs on the
 * same thread, so it never writes after the close).
 */
final class ChunkReceiver extends ChannelInboundHandlerAdapter {

    /** The peer broke the protocol (as opposed to the stream ending early). */
    static final class Violation extends IOException {
        private static final long serialVersionUID = 1L;

        Violation(String message) {
            super(message);
        }
    }

    private enum State { HEADER_LENGTH, HEADER, DATA_LENGTH, DATA, DONE }

    private final ObjectMapper json;
    private final int maxHeader;
    private final ByteBuffer into;
    private final int expected;
    private final CompletableFuture<JsonNode> header = new CompletableFuture<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    private State state = State.HEADER_LENGTH;
    private final byte[] length = new byte[4];
    private int lengthFilled;
    private byte[] headerBytes;
    private int headerFilled;
    private int dataLeft;

    /** Receives at most {@code maxHeader} bytes of header and exactly {@code expected} data bytes into {@code into}. */
    ChunkReceiver(ObjectMapper json, int maxHeader, ByteBuffer into, int expected) {
        this.json = json;
        this.maxHeader = maxHeader;
        this.into = into;
        this.expected = expected;
    }

    /** The header: the data's length, or an error with a message. */
    CompletableFuture<JsonNode> header() {
        return header;
    }

    /** Completes when all {@code expected} bytes are in the buffer (or fails with the reason). */
    CompletableFuture<Void> done() {
        return done;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object message) {
        ByteBuf in = (ByteBuf) message;
        try {
            while (in.isReadable() && state != State.DONE) {
                switch (state) {
                    case HEADER_LENGTH, DATA_LENGTH -> readLength(in);
                    case HEADER -> readHeader(in);
                    case DATA -> readData(in);
                    default -> throw new IllegalStateException(state.name()); // DONE ends the loop
                }
            }
            // Bytes after a complete chunk are dropped: the caller has what it asked for and closes the stream.
        } catch (IOException e) {
            fail(e);
        } finally {
            in.release();
        }
    }

    private void readLength(ByteBuf in) throws IOException {
        int n = Math.min(4 - lengthFilled, in.readableBytes());
        in.readBytes(length, lengthFilled, n);
        lengthFilled += n;
        if (lengthFilled < 4) {
            return;
        }
        lengthFilled = 0;
        int value = ((length[0] & 0xff) << 24) | ((length[1] & 0xff) << 16) | ((length[2] & 0xff) << 8)
                | (length[3] & 0xff);
        if (state == State.HEADER_LENGTH) {
            if (value < 1 || value > maxHeader) {
                throw new Violation("sent a chunk header of " + value + " bytes (at most " + maxHeader + ")");
            }
            headerBytes = new byte[value];
            state = State.HEADER;
        } else {
            if (value != expected) {
                throw new Violation("sent " + value + " bytes for a request of " + expected);
            }
            dataLeft = value;
            state = value == 0 ? finish() : State.DATA;
        }
    }

    private void readHeader(ByteBuf in) throws IOException {
        int n = Math.min(headerBytes.length - headerFilled, in.readableBytes());
        in.readBytes(headerBytes, headerFilled, n);
        headerFilled += n;
        if (headerFilled < headerBytes.length) {
            return;
        }
        JsonNode head = json.readTree(new String(headerBytes, StandardCharsets.UTF_8));
        if ("error".equals(head.path("type").asText())) {
            state = State.DONE;
            header.complete(head);
            done.complete(null);
            return;
        }
        state = State.DATA_LENGTH;
        header.complete(head);
    }

    private void readData(ByteBuf in) {
        int n = Math.min(dataLeft, in.readableBytes());
        int limit = into.limit();
        into.limit(into.position() + n);
        in.readBytes(into);
        into.limit(limit);
        dataLeft -= n;
        if (dataLeft == 0) {
            state = finish();
        }
    }

    private State finish() {
        done.complete(null);
        return State.DONE;
    }

    private void fail(IOException error) {
        state = State.DONE;
        header.completeExceptionally(error);
        done.completeExceptionally(error);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (state != State.DONE) {
            fail(new IOException("the peer closed the stream"));
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (state != State.DONE) {
            fail(new IOException(cause.getMessage(), cause));
        }
        ctx.close();
    }
}
