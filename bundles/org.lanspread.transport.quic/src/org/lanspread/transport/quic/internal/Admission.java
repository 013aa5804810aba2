package org.lanspread.transport.quic.internal;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.logging.Logger;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.quic.QuicChannel;

/**
 * What unauthenticated hosts can hold on the server: at most {@link #PER_ADDRESS} connections from one IP address
 * and {@link #TOTAL} in all, handshaking or not, and every connection must complete its hello within
 * {@link #HELLO_DEADLINE} of its first packet (a half-open handshake or a silent client is closed then). Address
 * validation (a Retry token) comes before any of this, so spoofed sources hold nothing. A connection over a bound is
 * closed at once; the log says so at most once a minute. Runs on the server's event loop only.
 */
@ChannelHandler.Sharable
final class Admission extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = Logger.getLogger(Admission.class.getName());
    static final int PER_ADDRESS = 32;
    static final int TOTAL = 1024;
    static final Duration HELLO_DEADLINE = Duration.ofSeconds(5);

    private final Predicate<QuicChannel> helloDone;
    private final Map<InetAddress, Integer> perAddress = new HashMap<>();
    private int total;
    private long refused;
    private long expired;
    private long lastLog;

    /** @param helloDone whether a connection has completed its hello */
    Admission(Predicate<QuicChannel> helloDone) {
        this.helloDone = helloDone;
    }

    /** Admits or closes a new connection: added to its pipeline when the server accepts it. */
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        QuicChannel connection = (QuicChannel) ctx.channel();
        InetAddress from = connection.remoteSocketAddress() instanceof InetSocketAddress a ? a.getAddress() : null;
        int fromThere = perAddress.getOrDefault(from, 0);
        if (fromThere >= PER_ADDRESS || total >= TOTAL) {
            refused++;
            log("refusing a connection from " + from + ": " + (fromThere >= PER_ADDRESS ? fromThere
                    + " connections from that address (at most " + PER_ADDRESS + ")" : total + " connections (at most "
                    + TOTAL + ")") + "; " + refused + " refused so far");
            connection.close();
            return;
        }
        perAddress.merge(from, 1, Integer::sum);
        total++;
        connection.closeFuture().addListener(f -> {
            perAddress.computeIfPresent(from, (k, n) -> n > 1 ? n - 1 : null);
            total--;
        });
        ctx.executor().schedule(() -> {
            if (connection.isOpen() && !helloDone.test(connection)) {
                expired++;
                log("closing a connection from " + from + " that sent no hello within " + HELLO_DEADLINE.toSeconds()
                        + " s; " + expired + " so far");
                connection.close();
            }
        }, HELLO_DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Connections held now (event loop). */
    int connections() {
        return total;
    }

    private void log(String message) {
        long now = System.nanoTime();
        if (lastLog == 0 || now - lastLog > 60_000_000_000L) {
            lastLog = now;
            LOG.warning(message);
        }
    }
}
