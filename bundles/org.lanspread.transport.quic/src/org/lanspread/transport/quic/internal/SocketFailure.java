package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.util.logging.Logger;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * The last handler of the listening UDP channel: an I/O error of the socket itself (e.g. the kernel aborted it,
 * {@code ECONNABORTED}, as when the address it listens on goes away) closes the channel, so the transport stops and
 * the runtime's supervisor sees its Required service fail, instead of a socket that silently receives nothing more.
 */
@ChannelHandler.Sharable
final class SocketFailure extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(SocketFailure.class.getName());

    private volatile Throwable cause;

    /** What closed the socket, or null. */
    Throwable cause() {
        return cause;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable failure) {
        if (failure instanceof IOException && !(failure instanceof PortUnreachableException)) {
            if (cause == null) {
                cause = failure;
                LOG.warning("the UDP socket " + ctx.channel().localAddress() + " failed: " + failure.getMessage());
            }
            ctx.channel().close();
        } else {
            LOG.fine("ignored on " + ctx.channel().localAddress() + ": " + failure);
        }
    }
}
