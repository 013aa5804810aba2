package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;

/** The UDP channels the transport makes, with real sockets on loopback. */
class EventLoopsTest {

    /**
     * Ethernet-sized datagrams are read several per system call (recvmmsg): the packets of one read are slices of
     * one buffer with a slot for each (one datagram per read has a buffer of one slot). 400 datagrams of 1,400 bytes are queued in the socket before the channel reads; every one must
     * arrive intact, and most of them in batches.
     */
    @Test
    void ethernetSizedDatagramsAreReadSeveralPerSystemCallAndArriveIntact() throws Exception {
        assertTrue(EventLoops.epoll(), "the native epoll transport is available on this machine");
        EventLoopGroup group = EventLoops.group(1);
        int count = 400;
        Set<Integer> received = ConcurrentHashMap.newKeySet();
        AtomicInteger batched = new AtomicInteger();
        AtomicInteger damaged = new AtomicInteger();
        try {
            Channel channel = EventLoops.udp(new Bootstrap(), Datagrams.TOWARDS_SERVER).group(group)
                    .channel(EventLoops.datagramChannel())
                    .option(io.netty.channel.ChannelOption.AUTO_READ, false)
                    .handler(new SimpleChannelInboundHandler<io.netty.channel.socket.DatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx,
                                io.netty.channel.socket.DatagramPacket packet) {
                            var content = packet.content();
                            var backing = content.unwrap() != null ? content.unwrap() : content;
                            if (backing.capacity() >= 2 * Datagrams.receiveBuffer(Datagrams.TOWARDS_SERVER)) {
                                batched.incrementAndGet(); // read into a buffer with room for several datagrams
                            }
                            int index = content.getInt(content.readerIndex());
                            boolean intact = content.readableBytes() == 1400;
                            for (int i = 4; intact && i < 1400; i++) {
                                intact = content.getByte(content.readerIndex() + i) == (byte) (index + i);
                            }
                            if (intact) {
                                received.add(index);
                            } else {
                                damaged.incrementAndGet();
                            }
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            try (DatagramSocket sender = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
                for (int index = 0; index < count; index++) {
                    byte[] data = new byte[1400];
                    ByteBuffer.wrap(data).putInt(index);
                    for (int i = 4; i < data.length; i++) {
                        data[i] = (byte) (index + i);
                    }
                    sender.send(new DatagramPacket(data, data.length, channel.localAddress()));
                }
            }
            channel.config().setAutoRead(true); // the socket holds all of them now
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (received.size() + damaged.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            channel.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertEquals(0, damaged.get(), "datagrams damaged");
        assertEquals(count, received.size(), "datagrams received");
        assertTrue(batched.get() > count / 2, "read in batches: " + batched.get() + " of " + count);
    }

    /** Send batches (UDP GSO) hold as many packets as fit one 64 KiB UDP send, at most 16; none for 64 KiB packets. */
    @Test
    void sendBatchesFitOneUdpSend() {
        assertEquals(16, EventLoops.segmentedAllocator(1472).maxNumSegments(), "Ethernet-sized packets");
        assertEquals(7, EventLoops.segmentedAllocator(8972).maxNumSegments(), "jumbo frames: 7 x 8,972 < 64 KiB");
        assertEquals(io.netty.handler.codec.quic.SegmentedDatagramPacketAllocator.NONE,
                EventLoops.segmentedAllocator(65507), "loopback's 64 KiB packets are sent one by one");
    }
}
