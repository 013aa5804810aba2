package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.SSLPeerUnverifiedException;
import java.net.Socket;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.TransportException.Reason;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.ClientAuth;

/**
 * Peer connections over QUIC (TLS 1.3, ALPN {@value PeerTransport#ALPN}), both sides authenticated by their
 * self-signed certificates: a client accepts only the certificate of the peer id it expects, a server reads the
 * client's id from its certificate and refuses a hello that claims another. The first bidirectional stream is the
 * control stream: length-prefixed JSON messages, starting with the hello exchange.
 */
public final class QuicPeerTransport implements PeerTransport, AutoCloseable {

    static final int MAX_CONTROL_FRAME = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PeerIdentity identity;
    private final String name;
    private final int protocolMajor;
    private final int protocolMinor;
    private final EventLoopGroup group;
    private final Channel server;

    /** Starts a transport listening on {@code bind}, with the identity kept in {@code stateDir}. */
    public QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name) throws IOException {
        this(stateDir, bind, name, PROTOCOL_MAJOR, PROTOCOL_MINOR);
    }

    QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name, int protocolMajor, int protocolMinor)
            throws IOException {
        this.identity = PeerIdentity.loadOrCreate(stateDir);
        this.name = name;
        this.protocolMajor = protocolMajor;
        this.protocolMinor = protocolMinor;
        this.group = new NioEventLoopGroup(1);
        try {
            QuicSslContext tls = QuicSslContextBuilder.forServer(identity.privateKey(), null, identity.certificate())
                    .trustManager(new AnyCertificate()).clientAuth(ClientAuth.REQUIRE).applicationProtocols(ALPN).build();
            var codec = new QuicServerCodecBuilder().sslContext(tls).maxIdleTimeout(30, TimeUnit.SECONDS)
                    .initialMaxData(64L << 20).initialMaxStreamDataBidirectionalLocal(8L << 20)
                    .initialMaxStreamDataBidirectionalRemote(8L << 20).initialMaxStreamsBidirectional(64)
                    .tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            stream.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_CONTROL_FRAME, 0, 4, 0, 4),
                                    new LengthFieldPrepender(4), new ServerControl());
                        }
                    }).build();
            this.server = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec).bind(bind).sync()
                    .channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot start the QUIC transport on " + bind + ": " + e.getMessage(), e);
        }
    }

    @Override
    public PeerId localId() {
        return identity.id();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    private ObjectNode hello() {
        ObjectNode hello = JSON.createObjectNode();
        hello.put("type", "hello").put("peerId", identity.id().hex()).put("major", protocolMajor)
                .put("minor", protocolMinor).put("name", name);
        return hello;
    }

    private static ByteBuf json(JsonNode node) {
        return Unpooled.wrappedBuffer(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    static PeerId certificateId(QuicChannel connection) throws SSLPeerUnverifiedException, CertificateEncodingException {
        Certificate[] chain = connection.sslEngine().getSession().getPeerCertificates();
        return PeerId.ofCertificate(chain[0].getEncoded());
    }

    /** Server side of the control stream: answers a hello, or says why not and closes. */
    private final class ServerControl extends SimpleChannelInboundHandler<ByteBuf> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) throws Exception {
            QuicChannel connection = (QuicChannel) ctx.channel().parent();
            JsonNode message;
            try {
                message = JSON.readTree(frame.toString(StandardCharsets.UTF_8));
            } catch (JsonProcessingException e) {
                refuse(ctx, "protocol", "malformed JSON: " + e.getOriginalMessage());
                return;
            }
            if (!"hello".equals(message.path("type").asText())) {
                return; // later messages are handled by the session (next increment)
            }
            PeerId proven = certificateId(connection);
            if (!proven.hex().equals(message.path("peerId").asText())) {
                refuse(ctx, "identity", "your hello claims peer " + message.path("peerId").asText()
                        + " but your certificate is peer " + proven);
                return;
            }
            int major = message.path("major").asInt(-1);
            if (major != protocolMajor) {
                refuse(ctx, "version", "protocol " + major + "." + message.path("minor").asInt() + " is not compatible "
                        + "with this peer's " + protocolMajor + "." + protocolMinor);
                return;
            }
            ctx.writeAndFlush(json(hello()));
        }

        private void refuse(ChannelHandlerContext ctx, String code, String text) {
            ObjectNode error = JSON.createObjectNode().put("type", "error").put("code", code).put("message", text);
            ctx.writeAndFlush(json(error)).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public PeerConnection connect(InetSocketAddress address, PeerId expected, Duration timeout) throws TransportException {
        AtomicReference<String> mismatch = new AtomicReference<>();
        Channel udp = null;
        try {
            QuicSslContext tls = QuicSslContextBuilder.forClient()
                    .keyManager(identity.privateKey(), null, identity.certificate())
                    .trustManager(new PinnedCertificate(expected, mismatch)).applicationProtocols(ALPN).build();
            var codec = new QuicClientCodecBuilder().sslContext(tls).maxIdleTimeout(30, TimeUnit.SECONDS)
                    .initialMaxData(64L << 20).initialMaxStreamDataBidirectionalLocal(8L << 20)
                    .initialMaxStreamDataBidirectionalRemote(8L << 20).initialMaxStreamsBidirectional(64).build();
            udp = new Bootstrap().group(group).channel(NioDatagramChannel.class).handler(codec)
                    .bind(new InetSocketAddress(address.getAddress().isLoopbackAddress() ? address.getAddress()
                            : null, 0)).sync().channel();
            long deadline = System.nanoTime() + timeout.toNanos();
            QuicChannel connection = QuicChannel.newBootstrap(udp).streamHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.close(); // servers open no streams towards us in this protocol version
                }
            }).remoteAddress(address).connect().get(remaining(deadline), TimeUnit.NANOSECONDS);
            PeerId proven = certificateId(connection);
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            QuicStreamChannel control = connection.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            stream.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_CONTROL_FRAME, 0, 4, 0, 4),
                                    new LengthFieldPrepender(4), new SimpleChannelInboundHandler<ByteBuf>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
                                            try {
                                                reply.complete(JSON.readTree(frame.toString(StandardCharsets.UTF_8)));
                                            } catch (IOException e) {
                                                reply.completeExceptionally(e);
                                            }
                                        }

                                        @Override
                                        public void channelInactive(ChannelHandlerContext ctx) {
                                            reply.completeExceptionally(new IOException("the peer closed the stream"));
                                        }
                                    });
                        }
                    }).get(remaining(deadline), TimeUnit.NANOSECONDS);
            control.writeAndFlush(json(hello()));
            JsonNode answer = reply.get(remaining(deadline), TimeUnit.NANOSECONDS);
            if ("error".equals(answer.path("type").asText())) {
                Reason reason = switch (answer.path("code").asText()) {
                    case "version" -> Reason.VERSION_MISMATCH;
                    case "identity" -> Reason.IDENTITY_MISMATCH;
                    default -> Reason.PROTOCOL;
                };
                throw new TransportException(reason, "peer " + expected.shortForm() + " at " + address + " refused: "
                        + answer.path("message").asText());
            }
            PeerId claimed = new PeerId(answer.path("peerId").asText());
            if (!claimed.equals(proven) || !proven.equals(expected)) {
                throw new TransportException(Reason.IDENTITY_MISMATCH, "peer at " + address + " claims " + claimed
                        + " but its certificate is " + proven);
            }
            int major = answer.path("major").asInt(-1);
            if (major != protocolMajor) {
                throw new TransportException(Reason.VERSION_MISMATCH, "peer " + expected.shortForm() + " speaks protocol "
                        + major + ", this peer " + protocolMajor);
            }
            Channel owned = udp;
            udp = null;
            return new Connection(connection, owned, new PeerHello(claimed, major, answer.path("minor").asInt(),
                    answer.path("name").asText()));
        } catch (TransportException e) {
            throw e;
        } catch (ExecutionException | TimeoutException | IOException | CertificateException | RuntimeException e) {
            if (mismatch.get() != null) {
                throw new TransportException(Reason.IDENTITY_MISMATCH, mismatch.get(), e);
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new TransportException(Reason.UNREACHABLE, "cannot connect to peer " + expected.shortForm() + " at "
                    + address + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TransportException(Reason.UNREACHABLE, "interrupted while connecting to " + address, e);
        } finally {
            if (udp != null) {
                udp.close();
            }
        }
    }

    private static long remaining(long deadline) throws TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("timed out");
        }
        return left;
    }

    private record Connection(QuicChannel quic, Channel udp, PeerHello remoteHello) implements PeerConnection {
        @Override
        public PeerId remoteId() {
            return remoteHello.peerId();
        }

        @Override
        public boolean isOpen() {
            return quic.isActive();
        }

        @Override
        public void close() {
            quic.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
            udp.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        }
    }

    @Override
    public void close() {
        server.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }

    /**
     * Peers are identified by certificate fingerprints, not host names: the extended variants (which would run
     * host-name checks) decide exactly like the plain ones.
     */
    private abstract static class FingerprintTrust extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
                throws CertificateException {
            checkServerTrusted(chain, authType);
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Servers accept any client certificate: the hello must then claim exactly the id it proves. */
    private static final class AnyCertificate extends FingerprintTrust {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            if (chain == null || chain.length == 0) {
                throw new CertificateException("a peer must present its certificate");
            }
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a client");
        }
    }

    /** Clients accept exactly the certificate of the peer they expect. */
    private static final class PinnedCertificate extends FingerprintTrust {
        private final PeerId expected;
        private final AtomicReference<String> mismatch;

        PinnedCertificate(PeerId expected, AtomicReference<String> mismatch) {
            this.expected = expected;
            this.mismatch = mismatch;
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            PeerId actual = PeerId.ofCertificate(chain[0].getEncoded());
            if (!actual.equals(expected)) {
                String text = "expected peer " + expected + " but the certificate presented is peer " + actual;
                mismatch.set(text);
                throw new CertificateException(text);
            }
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("not a server");
        }
    }
}
