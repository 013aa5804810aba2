package org.lanspread.transport.quic.internal;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.lanspread.api.transport.PeerTransport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

/**
 * A peer that speaks the protocol by hand, as a hostile one would: its own identity and its own QUIC windows, a hello
 * sent as raw JSON, then raw frames on streams it opens, reading their answers or not.
 */
final class RawPeer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A stream and the frames that arrived on it. */
    record Stream(QuicStreamChannel channel, BlockingQueue<JsonNode> frames) {
        void send(String json) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            channel.writeAndFlush(Unpooled.buffer(4 + bytes.length).writeInt(bytes.length).writeBytes(bytes));
        }

        /** The next frame as JSON, or null after {@code seconds}. */
        JsonNode next(long seconds) throws InterruptedException {
            return frames.poll(seconds, TimeUnit.SECONDS);
        }
    }

    final PeerIdentity identity;
    private final Channel udp;
    final QuicChannel quic;

    /**
     * Connects to {@code server}; the windows are what this peer lets the server send on a stream and in all before
     * it reads.
     */
    RawPeer(Path stateDir, EventLoopGroup group, InetSocketAddress server, long connectionWindow, long streamWindow)
            throws Exception {
        identity = PeerIdentity.loadOrCreate(stateDir);
        var tls = QuicSslContextBuilder.forClient().keyManager(identity.privateKey(), null, identity.certificate())
                .trustManager(InsecureTrustManagerFactory.INSTANCE)
                .applicationProtocols(PeerTransport.ALPN).build();
        var codec = new QuicClientCodecBuilder().sslContext(tls).maxIdleTimeout(60, TimeUnit.SECONDS)
                .initialMaxData(connectionWindow).initialMaxStreamDataBidirectionalLocal(streamWindow)
                .initialMaxStreamDataBidirectionalRemote(streamWindow).initialMaxStreamsBidirectional(100).build();
        udp = new Bootstrap().group(group).channel(EventLoops.datagramChannel()).handler(codec)
                .bind(new InetSocketAddress(server.getAddress(), 0)).sync().channel();
        quic = QuicChannel.newBootstrap(udp).streamHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
            }
        }).remoteAddress(server).connect().get(10, TimeUnit.SECONDS);
    }

    /** Opens a stream; with {@code read} false nothing that arrives on it is taken from the QUIC stack. */
    Stream stream(boolean read) throws Exception {
        BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        QuicStreamChannel channel = quic.createStream(QuicStreamType.BIDIRECTIONAL,
                new ChannelInitializer<QuicStreamChannel>() {
                    @Override
                    protected void initChannel(QuicStreamChannel ch) {
                        ch.config().setAutoRead(read);
                        ch.pipeline().addLast(new LengthFieldBasedFrameDecoder(64 << 20, 0, 4, 0, 4),
                                new SimpleChannelInboundHandler<ByteBuf>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame)
                                            throws Exception {
                                        JsonNode message = JSON.readTree(frame.toString(StandardCharsets.UTF_8));
                                        if ("ping".equals(message.path("type").asText())) { // alive, as peers are
                                            byte[] pong = "{\"type\":\"pong\"}".getBytes(StandardCharsets.UTF_8);
                                            ctx.writeAndFlush(Unpooled.buffer().writeInt(pong.length).writeBytes(pong));
                                        }
                                        frames.add(message);
                                    }
                                });
                    }
                }).get(10, TimeUnit.SECONDS);
        return new Stream(channel, frames);
    }

    /** The hello for this peer's identity, as JSON text. */
    String hello() {
        return "{\"type\":\"hello\",\"peerId\":\"" + identity.id().hex() + "\",\"major\":1,\"minor\":0,"
                + "\"name\":\"raw\",\"port\":0}";
    }

    /** Opens the control stream (the first) and exchanges hellos; returns it. */
    Stream helloed() throws Exception {
        Stream control = stream(true);
        control.send(hello());
        JsonNode answer = control.next(10);
        if (answer == null || !"hello".equals(answer.path("type").asText())) {
            throw new IllegalStateException("no hello from the server: " + answer);
        }
        return control;
    }

    @Override
    public void close() {
        quic.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        udp.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
    }
}
