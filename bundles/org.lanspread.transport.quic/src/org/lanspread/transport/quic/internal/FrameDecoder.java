package org.lanspread.transport.quic.internal;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;

/**
 * Length-prefixed frames (4-byte big-endian length) of at most a given size, each of which must arrive in full within
 * a deadline once its first byte has: a peer that starts a frame and then trickles or stops holds its buffer and its
 * stream, so it loses its connection instead.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {

    private static final Logger LOG = Logger.getLogger(FrameDecoder.class.getName());

    private final Duration deadline;
    private ScheduledFuture<?> timer;
    private long frames;

    FrameDecoder(int maxFrame, Duration deadline) {
        super(maxFrame, 0, 4, 0, 4);
        this.deadline = deadline;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, io.netty.buffer.ByteBuf in) throws Exception {
        Object frame = super.decode(ctx, in);
        if (frame != null) {
            frames++;
        }
        return frame;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        long before = frames;
        super.channelRead(ctx, msg);
        if (frames != before) {
            cancel(); // a frame completed: the next one's clock starts with its first byte
        }
        if (actualReadableBytes() > 0 && timer == null) {
            timer = ctx.executor().schedule(() -> {
                LOG.warning("closing the connection from " + ctx.channel().parent().remoteAddress() + ": a frame"
                        + " started and did not complete within " + deadline.toSeconds() + " s");
                ctx.channel().parent().close();
            }, deadline.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancel();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
