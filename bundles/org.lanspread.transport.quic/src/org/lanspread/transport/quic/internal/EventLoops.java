package org.lanspread.transport.quic.internal;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;

/** The native epoll transport where its library is present (faster for UDP), else NIO. */
final class EventLoops {

    private static final boolean EPOLL = epollAvailable();

    private EventLoops() {
    }

    private static boolean epollAvailable() {
        try {
            return io.netty.channel.epoll.Epoll.isAvailable();
        } catch (LinkageError e) {
            return false; // the optional epoll package is not wired in this runtime
        }
    }

    static boolean epoll() {
        return EPOLL;
    }

    static EventLoopGroup group(int threads) {
        return EPOLL ? new MultiThreadIoEventLoopGroup(threads, io.netty.channel.epoll.EpollIoHandler.newFactory())
                : new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    static Class<? extends DatagramChannel> datagramChannel() {
        return EPOLL ? io.netty.channel.epoll.EpollDatagramChannel.class : NioDatagramChannel.class;
    }
}
