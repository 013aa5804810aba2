package org.lanspread.transport.quic.internal;

import static org.lanspread.transport.quic.internal.QuicPeerTransport.JSON;
import static org.lanspread.transport.quic.internal.QuicPeerTransport.json;

import java.util.logging.Logger;

import org.lanspread.api.transport.ChunkRequest;
import org.lanspread.api.transport.PeerId;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.quic.QuicStreamChannel;

/**
 * One chunk served on its request stream: read into a pooled direct buffer on the upload pool, then written in
 * slices of {@value #SLICE} bytes, so that the upload budget sees the bytes leave as the QUIC stack takes them; the
 * lease is released when the last slice has gone or the stream failed. Any failure, an {@link Error} included,
 * answers the requester with an error frame and frees the buffer.
 */
final class ChunkUpload implements Uploads.Job {

    static final int SLICE = 256 * 1024;
    private static final boolean TRACE = Boolean.getBoolean("lanspread.trace.chunks");
    private static final Logger LOG = Logger.getLogger(ChunkUpload.class.getName());

    private final QuicPeerTransport transport;
    private final ChannelHandlerContext ctx;
    private final ChunkRequest request;
    private final PeerId peer;
    /** Read and not yet handed to Netty: released here if the job fails before it is sent. */
    private ByteBuf bytes;

    ChunkUpload(QuicPeerTransport transport, ChannelHandlerContext ctx, ChunkRequest request, PeerId peer) {
        this.transport = transport;
        this.ctx = ctx;
        this.request = request;
        this.peer = peer;
    }

    @Override
    public int read() throws Exception {
        bytes = transport.chunks.read(request, ctx.alloc());
        return bytes.readableBytes();
    }

    @Override
    public void send(UploadBudget.Lease lease) {
        ByteBuf data = bytes;
        bytes = null; // Netty owns it (its slices) from here, also when a write fails
        QuicStreamChannel stream = (QuicStreamChannel) ctx.channel();
        int length = data.readableBytes();
        try {
            ctx.write(json(JSON.createObjectNode().put("type", "chunk-data").put("length", length)));
            // The data is one frame: its length once, then the slices as they are, below the frame prepender.
            ChannelHandlerContext wire = ctx.pipeline().firstContext();
            wire.write(Unpooled.buffer(4).writeInt(length));
            ChannelFuture last = null;
            for (int offset = 0; offset < length; offset += SLICE) {
                ByteBuf slice = data.retainedSlice(data.readerIndex() + offset, Math.min(SLICE, length - offset));
                boolean end = offset + SLICE >= length;
                last = end ? wire.writeAndFlush(slice) : wire.write(slice);
                last.addListener(f -> {
                    if (f.isSuccess()) {
                        lease.progress();
                    }
                });
            }
            long began = System.nanoTime();
            last.addListener(f -> {
                if (f.isSuccess()) {
                    transport.count(peer, 1, length);
                }
                if (TRACE) { // with the downloaders' chunk trace: how long the QUIC stack took to take the chunk
                    LOG.info("serve trace: " + request.gameId() + " " + request.path() + "@" + request.offset()
                            + " to " + peer.hex().substring(0, 12) + " taken in "
                            + (System.nanoTime() - began) / 1_000_000 + " ms");
                }
                lease.release();
                stream.shutdownOutput();
            });
        } catch (RuntimeException | Error e) {
            lease.release();
            throw e;
        } finally {
            data.release(); // the slices hold the buffer while they are on their way
        }
    }

    @Override
    public void fail(Throwable error) {
        if (bytes != null) {
            bytes.release();
            bytes = null;
        }
        String why = error instanceof ChunkServer.Refused ? error.getMessage()
                : "cannot read '" + request.path() + "': " + error;
        ServerStream.refuse(ctx, null, "refused", why, false);
        ((QuicStreamChannel) ctx.channel()).shutdownOutput();
    }
}
