package org.lanspread.transport.quic.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ConcurrentHashMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;



import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PeerConnection;
import org.lanspread.api.transport.PeerHello;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.PeerListener;
import org.lanspread.api.transport.PeerListener.GoneReason;
import org.lanspread.api.transport.PeerTransport;
import org.lanspread.api.transport.TransportException;
import org.lanspread.api.transport.UploadLimits;
import org.lanspread.api.transport.TransportException.Reason;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.quic.InsecureQuicTokenHandler;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.handler.codec.quic.QuicSslContextBuilder;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.handler.ssl.ClientAuth;
import io.netty.util.AttributeKey;

/**
 * Peer connections over QUIC (TLS 1.3, ALPN {@value PeerTransport#ALPN}), both sides authenticated by their
 * self-signed certificates: a client accepts only the certificate of the peer id it expects, a server reads the
 * client's id from its certificate and refuses a hello that claims another. The first bidirectional stream is the
 * control stream: length-prefixed JSON messages, starting with the hello exchange.
 */
public final class QuicPeerTransport implements PeerTransport, AutoCloseable {

    /**
     * Control-stream messages: a library or a manifest grows with the games and their chunks (a 200 GiB game's manifest
     * is ~3.4 MB of JSON, a library of 10,000 games ~1 MB), so the bound is generous but still a bound.
     */
    static final int MAX_CONTROL_FRAME = 8 * 1024 * 1024;
    /** Frames on request streams (a chunk request is a few hundred bytes). */
    static final int MAX_REQUEST_FRAME = 64 * 1024;
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /**
     * The congestion control of every connection: BBR, which paces its packets to the path's rate and keeps the queue
     * short. With CUBIC (quiche's default) a seed serving 8 downloaders through a switch port's short queue lost
     * enough packets that its wire carried 14-15% more than the chunks it served, against 9-10% with BBR (the rest is
     * retransmissions and headers).
     * -Dlanspread.quic.congestion=cubic|reno|bbr chooses another, to compare.
     */
    static final QuicCongestionControlAlgorithm CONGESTION = QuicCongestionControlAlgorithm.valueOf(
            System.getProperty("lanspread.quic.congestion", "bbr").toUpperCase(Locale.ROOT));
    /** The longest a frame may take to arrive once its first byte has (server side). */
    static final Duration FRAME_DEADLINE = Duration.ofSeconds(30);
    private static final AttributeKey<UploadBudget.Account> UPLOAD_ACCOUNT = AttributeKey.valueOf("lanspread.uploads");
    static final AttributeKey<PeerId> PEER = AttributeKey.valueOf("lanspread.peer");
    static final AttributeKey<Session> SESSION = AttributeKey.valueOf("lanspread.session");
    /** The longest a shutdown waits for goodbyes to be sent. */
    static final Duration GOODBYE_BOUND = Duration.ofMillis(400);
    static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Sizes each accepted connection's send batches (UDP GSO) to the packets it gets: once the handshake is done,
     * the client's max_udp_payload_size (its path) decides how many packets fit one 64 KiB send.
     */
    private static final io.netty.channel.ChannelHandler SEGMENTS_TO_PATH = new SegmentsToPath();

    @io.netty.channel.ChannelHandler.Sharable
    private static final class SegmentsToPath extends io.netty.channel.ChannelInboundHandlerAdapter {
        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            QuicChannel connection = (QuicChannel) ctx.channel();
            var peer = connection.peerTransportParameters();
            long packets = peer == null ? Datagrams.MAX_PAYLOAD : Math.min(peer.maxUdpPayloadSize(), Datagrams.MAX_PAYLOAD);
            connection.config().setOption(io.netty.handler.codec.quic.QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
                    EventLoops.segmentedAllocator(packets));
            ctx.fireChannelActive();
        }
    }

    final ChunkServer chunks;
    private final ContentSource content;
    private final Session.Liveness liveness;
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final List<PeerListener> listeners = new CopyOnWriteArrayList<>();
    final Session.Owner owner = new SessionEvents(listeners, sessions);
    private final PeerIdentity identity;
    private final String name;
    final int protocolMajor;
    final int protocolMinor;
    private final EventLoopGroup group;
    private final Channel server;
    final Uploads uploads;
    private final Admission admission = new Admission(connection -> connection.attr(PEER).get() != null);
    /** Chunk payload bytes per peer: [0] received, [1] sent. */
    private final Map<PeerId, java.util.concurrent.atomic.AtomicLongArray> traffic = new ConcurrentHashMap<>();
    private final java.util.concurrent.CompletableFuture<Void> stopped = new java.util.concurrent.CompletableFuture<>();
    private volatile boolean closing;

    /** Starts a transport listening on {@code bind}, with the identity kept in {@code stateDir}. */
    public QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name, ContentSource content)
            throws IOException {
        this(stateDir, bind, name, content, UploadLimits.UNLIMITED);
    }

    /** Starts a transport that serves within {@code limits}. */
    public QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name, ContentSource content,
            UploadLimits limits) throws IOException {
        this(stateDir, bind, name, content, PROTOCOL_MAJOR, PROTOCOL_MINOR, Session.Liveness.DEFAULT, limits);
    }

    QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name, ContentSource content, int protocolMajor,
            int protocolMinor) throws IOException {
        this(stateDir, bind, name, content, protocolMajor, protocolMinor, Session.Liveness.DEFAULT);
    }

    QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name, ContentSource content, int protocolMajor,
            int protocolMinor, Session.Liveness liveness) throws IOException {
        this(stateDir, bind, name, content, protocolMajor, protocolMinor, liveness, UploadLimits.UNLIMITED);
    }

    QuicPeerTransport(Path stateDir, InetSocketAddress bind, String name, ContentSource content, int protocolMajor,
            int protocolMinor, Session.Liveness liveness, UploadLimits limits) throws IOException {
        this.chunks = new ChunkServer(content);
        this.content = content;
        this.liveness = liveness;
        this.identity = PeerIdentity.loadOrCreate(stateDir);
        this.name = name;
        this.protocolMajor = protocolMajor;
        this.protocolMinor = protocolMinor;
        this.group = EventLoops.group(1);
        this.uploads = new Uploads(limits, name);
        SocketFailure socketFailure = new SocketFailure();
        try {
            QuicSslContext tls = QuicSslContextBuilder.forServer(identity.privateKey(), null, identity.certificate())
                    .trustManager(new PeerTrust.AnyCertificate()).clientAuth(ClientAuth.REQUIRE).applicationProtocols(ALPN).build();
            // Sends as large as each client's max_udp_payload_size allows (it is sized to the client's path).
            var codec = new QuicServerCodecBuilder().sslContext(tls).maxIdleTimeout(30, TimeUnit.SECONDS)
                    .maxSendUdpPayloadSize(Datagrams.MAX_PAYLOAD).maxRecvUdpPayloadSize(Datagrams.TOWARDS_SERVER)
                    .initialMaxData(64L << 20).initialMaxStreamDataBidirectionalLocal(8L << 20)
                    .initialMaxStreamDataBidirectionalRemote(8L << 20).initialMaxStreamsBidirectional(64)
                    .congestionControlAlgorithm(CONGESTION).tokenHandler(InsecureQuicTokenHandler.INSTANCE)
                    .handler(new ChannelInitializer<QuicChannel>() {
                        @Override
                        protected void initChannel(QuicChannel connection) {
                            connection.pipeline().addLast(admission, SEGMENTS_TO_PATH);
                        }
                    })
                    .streamHandler(new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            // The client's first bidirectional stream (id 0) is the control stream.
                            int limit = stream.streamId() == 0 ? MAX_CONTROL_FRAME : MAX_REQUEST_FRAME;
                            stream.pipeline().addLast(new FrameDecoder(limit, frameDeadline),
                                    new LengthFieldPrepender(4), new ServerStream(QuicPeerTransport.this));
                        }
                    }).build();
            this.server = EventLoops.udp(new Bootstrap(), Datagrams.TOWARDS_SERVER).group(group)
                    .channel(EventLoops.datagramChannel()).handler(new ChannelInitializer<io.netty.channel.Channel>() {
                        @Override
                        protected void initChannel(io.netty.channel.Channel udp) {
                            udp.pipeline().addLast(codec, socketFailure);
                        }
                    }).bind(bind).sync().channel();
        } catch (Exception e) {
            uploads.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot start the QUIC transport on " + bind + ": " + e.getMessage(), e);
        }
        // Connections that hold upload bytes and take none are closed (UploadBudget).
        group.scheduleAtFixedRate(uploads.budget()::sweep, 1, 1, TimeUnit.SECONDS);
        InetSocketAddress listening = (InetSocketAddress) server.localAddress();
        server.closeFuture().addListener(f -> {
            if (closing) {
                stopped.complete(null);
            } else {
                Throwable why = f.cause() != null ? f.cause() : socketFailure.cause();
                stopped.completeExceptionally(new IOException("the QUIC socket on " + listening + " closed unexpectedly"
                        + (why == null ? "" : ": " + why.getMessage()), why));
            }
        });
    }

    @Override
    public java.util.concurrent.CompletionStage<Void> stopped() {
        return stopped;
    }

    /** The connection's share of the upload budget (made at its first chunk request; event loop). */
    UploadBudget.Account uploadAccount(QuicChannel connection) {
        UploadBudget.Account account = connection.attr(UPLOAD_ACCOUNT).get();
        if (account == null) {
            UploadBudget budget = uploads.budget();
            UploadBudget.Account opened = budget.open("peer " + connection.attr(PEER).get().shortForm() + " at "
                    + connection.remoteSocketAddress(), connection::close);
            connection.attr(UPLOAD_ACCOUNT).set(opened);
            connection.closeFuture().addListener(f -> budget.closed(opened));
            account = opened;
        }
        return account;
    }

    /** Incoming connections held now, handshaking or not (tests). */
    int connectionsHeld() throws Exception {
        return server.eventLoop().submit(admission::connections).get(5, TimeUnit.SECONDS);
    }

    /** The most chunk uploads that ran at once so far. */
    int peakUploads() {
        return uploads.peakConcurrency();
    }

    @Override
    public PeerId localId() {
        return identity.id();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** The frame deadline of streams accepted from now on ({@link #FRAME_DEADLINE}; tests shorten it). */
    volatile Duration frameDeadline = FRAME_DEADLINE;

    /** Tests only: a peer id to claim instead of our own (a lying peer). */
    volatile PeerId claimInstead;

    ObjectNode hello() {
        ObjectNode hello = JSON.createObjectNode();
        PeerId claim = claimInstead != null ? claimInstead : identity.id();
        hello.put("type", "hello").put("peerId", claim.hex()).put("major", protocolMajor)
                .put("minor", protocolMinor).put("name", name)
                .put("port", localAddress().getPort());
        return hello;
    }

    static ByteBuf json(JsonNode node) {
        return Unpooled.wrappedBuffer(node.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public PeerConnection connect(InetSocketAddress address, PeerId expected, Duration timeout) throws TransportException {
        if (closing) {
            throw new TransportException(Reason.UNREACHABLE, "this peer's transport is closed");
        }
        AtomicReference<String> mismatch = new AtomicReference<>();
        Channel udp = null;
        try {
            QuicSslContext tls = QuicSslContextBuilder.forClient()
                    .keyManager(identity.privateKey(), null, identity.certificate())
                    .trustManager(new PeerTrust.PinnedCertificate(expected, mismatch)).applicationProtocols(ALPN).build();
            int payload = Datagrams.payloadTo(address.getAddress());
            var codec = new QuicClientCodecBuilder().sslContext(tls).maxIdleTimeout(30, TimeUnit.SECONDS)
                    .maxSendUdpPayloadSize(Math.min(payload, Datagrams.TOWARDS_SERVER)).maxRecvUdpPayloadSize(payload)
                    .initialMaxData(64L << 20).initialMaxStreamDataBidirectionalLocal(8L << 20)
                    .initialMaxStreamDataBidirectionalRemote(8L << 20).initialMaxStreamsBidirectional(64).congestionControlAlgorithm(CONGESTION).build();
            udp = EventLoops.udp(new Bootstrap(), payload).group(group).channel(EventLoops.datagramChannel()).handler(codec)
                    .bind(new InetSocketAddress(address.getAddress().isLoopbackAddress() ? address.getAddress()
                            : null, 0)).sync().channel();
            long deadline = System.nanoTime() + timeout.toNanos();
            QuicChannel connection = QuicChannel.newBootstrap(udp)
                    .option(io.netty.handler.codec.quic.QuicChannelOption.SEGMENTED_DATAGRAM_PACKET_ALLOCATOR,
                            EventLoops.segmentedAllocator(Math.min(payload, Datagrams.TOWARDS_SERVER)))
                    .streamHandler(new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.close(); // servers open no streams towards us in this protocol version
                }
            }).remoteAddress(address).connect().get(remaining(deadline), TimeUnit.NANOSECONDS);
            PeerId proven = PeerTrust.certificateId(connection);
            ClientControl controlHandler = new ClientControl();
            QuicStreamChannel control = connection.createStream(QuicStreamType.BIDIRECTIONAL,
                    new ChannelInitializer<QuicStreamChannel>() {
                        @Override
                        protected void initChannel(QuicStreamChannel stream) {
                            stream.pipeline().addLast(new LengthFieldBasedFrameDecoder(MAX_CONTROL_FRAME, 0, 4, 0, 4),
                                    new LengthFieldPrepender(4), controlHandler);
                        }
                    }).get(remaining(deadline), TimeUnit.NANOSECONDS);
            CompletableFuture<JsonNode> reply = controlHandler.hello;
            control.writeAndFlush(json(hello()));
            JsonNode answer = reply.get(remaining(deadline), TimeUnit.NANOSECONDS);
            if ("error".equals(answer.path("type").asText())) {
                Reason reason = switch (answer.path("code").asText()) {
                    case "version" -> Reason.VERSION_MISMATCH;
                    case "identity" -> Reason.IDENTITY_MISMATCH;
                    default -> Reason.PROTOCOL;
                };
                throw new TransportException(reason, "peer " + who(expected) + " at " + address + " refused: "
                        + answer.path("message").asText());
            }
            PeerId claimed = new PeerId(answer.path("peerId").asText());
            if (!claimed.equals(proven) || expected != null && !proven.equals(expected)) {
                throw new TransportException(Reason.IDENTITY_MISMATCH, "peer at " + address + " claims " + claimed
                        + " but its certificate is " + proven);
            }
            int major = answer.path("major").asInt(-1);
            if (major != protocolMajor) {
                throw new TransportException(Reason.VERSION_MISMATCH, "peer " + who(expected) + " speaks protocol "
                        + major + ", this peer " + protocolMajor);
            }
            Channel owned = udp;
            udp = null;
            PeerHello remote = new PeerHello(claimed, major, answer.path("minor").asInt(), answer.path("name").asText(),
                    answer.path("port").asInt(0));
            Session session = new Session(remote, connection, control, owner);
            QuicConnection opened = new QuicConnection(this, connection, owned, control, controlHandler, session, remote);
            if (!opened(session)) {
                opened.close(); // says goodbye: the other side does not wait for a timeout
                throw new TransportException(Reason.UNREACHABLE, "this peer's transport closed while connecting");
            }
            // Only now are the peer's messages (its library first) delivered: listeners hear "connected" first.
            controlHandler.attach(control, session);
            return opened;
        } catch (TransportException e) {
            throw e;
        } catch (ExecutionException | TimeoutException | IOException | CertificateException | RuntimeException e) {
            if (mismatch.get() != null) {
                throw new TransportException(Reason.IDENTITY_MISMATCH, mismatch.get(), e);
            }
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new TransportException(Reason.UNREACHABLE, "cannot connect to peer " + who(expected) + " at "
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

    /** A peer id for messages; null is a first contact. */
    private static String who(PeerId expected) {
        return expected == null ? "(first contact)" : expected.shortForm();
    }

    private static long remaining(long deadline) throws TimeoutException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new TimeoutException("timed out");
        }
        return left;
    }

    /** Registers a session; false (and nothing registered) when the transport is closing. */
    boolean opened(Session session) {
        synchronized (sessions) { // close() sets closing and takes its snapshot under the same lock
            if (closing) {
                return false;
            }
            sessions.add(session);
        }
        for (PeerListener listener : listeners) {
            SessionEvents.notify(() -> listener.peerConnected(session.peer(), session.hello(),
                    session.remoteAddress()));
        }
        session.start(spoken(content.announced()), protocolMinor >= 1 ? content.partialOffers() : List.of(), liveness);
        return true;
    }

    @Override
    public AutoCloseable addListener(PeerListener listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void announce(List<AnnouncedGame> changed, Set<String> removed) {
        List<AnnouncedGame> games = spoken(changed);
        sessions.forEach(s -> s.announce(games, removed));
    }

    @Override
    public void offerPartial(PartialOffer offer) {
        if (protocolMinor >= 1) {
            sessions.forEach(s -> s.offerPartial(offer));
        }
    }

    @Override
    public void have(String gameId, String version, List<ChunkRef> chunks) {
        if (protocolMinor >= 1 && !chunks.isEmpty()) {
            sessions.forEach(s -> s.have(gameId, version, chunks));
        }
    }

    @Override
    public void withdrawPartial(String gameId) {
        if (protocolMinor >= 1) {
            sessions.forEach(s -> s.withdrawPartial(gameId));
        }
    }

    /** Offers as this peer's protocol minor version speaks them: 1.0 announces no content hash. */
    private List<AnnouncedGame> spoken(List<AnnouncedGame> games) {
        return protocolMinor >= 1 ? games
                : games.stream().map(g -> new AnnouncedGame(g.id(), g.version(), g.sizeBytes())).toList();
    }

    void count(PeerId peer, int direction, long bytes) {
        if (peer != null) {
            traffic.computeIfAbsent(peer, p -> new java.util.concurrent.atomic.AtomicLongArray(2))
                    .addAndGet(direction, bytes);
        }
    }

    @Override
    public Map<PeerId, org.lanspread.api.transport.PeerTraffic> traffic() {
        Map<PeerId, org.lanspread.api.transport.PeerTraffic> result = new java.util.HashMap<>();
        traffic.forEach((peer, counts) -> result.put(peer,
                new org.lanspread.api.transport.PeerTraffic(counts.get(0), counts.get(1))));
        return result;
    }

    @Override
    public void uploadLimits(UploadLimits limits) {
        uploads.limits(limits);
    }

    @Override
    public Set<PeerId> connectedPeers() {
        Set<PeerId> peers = new java.util.HashSet<>();
        sessions.forEach(s -> peers.add(s.peer()));
        return peers;
    }

    /** Says goodbye to every peer, waiting at most {@link #GOODBYE_BOUND} in total, then stops. */
    @Override
    public void close() {
        List<Session> open;
        synchronized (sessions) {
            closing = true;
            open = List.copyOf(sessions);
        }
        List<io.netty.channel.ChannelFuture> goodbyes = new ArrayList<>();
        for (Session session : open) {
            goodbyes.add(session.goodbye());
        }
        long deadline = System.nanoTime() + GOODBYE_BOUND.toNanos();
        for (io.netty.channel.ChannelFuture sent : goodbyes) {
            sent.awaitUninterruptibly(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        sessions.forEach(Session::close);
        server.close().awaitUninterruptibly(200, TimeUnit.MILLISECONDS);
        uploads.close();
        stopped.complete(null);
        // within 1 s in all (the runtime's whole stop is bounded by 2 s); the event loops are daemon threads
        group.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS).awaitUninterruptibly(300, TimeUnit.MILLISECONDS);
    }
}
