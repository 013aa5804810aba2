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

    /** Datagrams read per system call (recvmmsg) where epoll is used and datagrams are Ethernet-sized; 1: off. */
    static final int RECVMMSG_BATCH = Integer.getInteger("lanspread.quic.recvmmsg", 16);

    /** QUIC packets sent in batches of up to this many segments per system call (UDP GSO), where epoll is used. */
    static final int GSO_SEGMENTS = Integer.getInteger("lanspread.quic.gso", 16);

    /**
     * Sends several QUIC packets of up to {@code payload} bytes per system call (UDP generic segmentation offload)
     * with epoll: as many as fit one UDP send of at most 64 KiB, up to {@link #GSO_SEGMENTS}. Plain sends when
     * fewer than two fit (loopback's 64 KiB packets: batching them there halved the throughput) or without epoll.
     */
    static io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator segmentedAllocator(long payload) {
        long segments = Math.min(GSO_SEGMENTS, Datagrams.MAX_PAYLOAD / Math.max(1, payload));
        return EPOLL && segments > 1 ? io.netty.handler.codec.quic.EpollQuicUtils.newSegmentedAllocator((int) segments)
                : io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator.NONE;
    }

    /**
     * A UDP channel whose reads hold datagrams of up to {@code payload} bytes. (Receive coalescing, UDP GRO, was
     * tried and removed: on the 1 Gbit benchmark link it made downloads six times slower.)
     */
    static io.netty.bootstrap.Bootstrap udp(io.netty.bootstrap.Bootstrap bootstrap, int payload) {
        // A burst of QUIC packets overflows the default socket buffers (about 200 KiB) and every drop costs a
        // congestion-window cut: ask for 4 MiB (the kernel caps it at net.core.rmem_max / wmem_max).
        int buffer = Integer.getInteger("lanspread.quic.sockbuf", 4 << 20);
        // Up to 16 datagrams per read, as Netty's own default for datagram channels (a new allocator starts at 1):
        // the codec sends its acknowledgements and flushes once per read, so one datagram per read means an
        // acknowledgement for every packet.
        int slot = Datagrams.receiveBuffer(payload);
        if (EPOLL && RECVMMSG_BATCH > 1 && slot < Datagrams.MAX_PAYLOAD) {
            // Ethernet-sized datagrams: several per system call (recvmmsg), each in a slot of the read buffer. One
            // recvmsg per datagram cost ~740 system calls per MiB on a 1 Gbit link.
            bootstrap.option(io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, slot);
            slot *= RECVMMSG_BATCH;
        }
        bootstrap.option(io.netty.channel.ChannelOption.RCVBUF_ALLOCATOR,
                new io.netty.channel.FixedRecvByteBufAllocator(slot).maxMessagesPerRead(16));
        if (buffer > 0) {
            bootstrap.option(io.netty.channel.ChannelOption.SO_RCVBUF, buffer)
                    .option(io.netty.channel.ChannelOption.SO_SNDBUF, buffer);
        }
        return bootstrap;
    }
}
