package org.lanspread.peer.internal.dial;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.logging.Logger;

import org.lanspread.api.transport.PeerId;

/**
 * Outgoing connection attempts to discovered peers, within fixed bounds whatever the LAN announces: a table of at
 * most {@link Limits#maxCandidates} candidates (an address and the peer id announced there), worked off by a fixed
 * number of worker threads that the caller runs ({@link #work}), at most {@link Limits#attemptsPerSecond} attempts a
 * second in all, and a backoff per address for the unreachable ones (doubling from {@link Limits#firstBackoff} to
 * {@link Limits#maxBackoff}). No thread is started per peer or per attempt.
 * <p>
 * Fair by host: one machine that announces hundreds of services (a flood, or a broken peer) must not hide the
 * peers of the others. Of the candidates that are due, the one with the fewest failed attempts goes first, then the
 * one whose host has the fewest attempts in flight, then the one announced most recently, so a peer that just arrived
 * is tried before the many that have been failing; one host has at most half the workers at once. When the table is
 * full, the host with the most candidates makes room (its most failed, then oldest, candidate), unless the newcomer's
 * host has as many and every candidate is untried: then the newcomer is refused (it is offered again by the next
 * liveness round). A candidate not offered for {@link Limits#expiry} is dropped.
 * The failure count of an address outlives its candidate (a bounded memory of {@code 16 x maxCandidates} addresses),
 * so an address evicted and offered again does not start over at the shortest backoff.
 */
public final class Dialer {

    private static final Logger LOG = Logger.getLogger(Dialer.class.getName());

    /** Connects to the peer announced at an address; returns normally once a session is open. */
    @FunctionalInterface
    public interface Connector {
        void connect(PeerId peer, InetSocketAddress address) throws Exception;
    }

    /** The bounds. */
    public record Limits(int workers, int maxCandidates, int attemptsPerSecond, Duration firstBackoff,
            Duration maxBackoff, Duration expiry) {
        public static final Limits DEFAULT = new Limits(4, 256, 20, Duration.ofSeconds(1), Duration.ofSeconds(60),
                Duration.ofSeconds(30));

        public Limits {
            if (workers < 1 || maxCandidates < 1 || attemptsPerSecond < 1) {
                throw new IllegalArgumentException("workers, candidates and attempts per second must be positive");
            }
        }
    }

    private static final class Candidate {
        final InetSocketAddress address;
        PeerId peer;
        long firstOffered;
        long lastOffered;
        long due;
        int failures;
        boolean inFlight;

        Candidate(InetSocketAddress address, PeerId peer, long now) {
            this.address = address;
            this.peer = peer;
            this.firstOffered = now;
            this.lastOffered = now;
            this.due = now;
        }
    }

    private final Limits limits;
    private final Connector connector;
    private final Predicate<PeerId> connected;
    private final LongSupplier clock;
    private final Map<InetSocketAddress, Candidate> candidates = new HashMap<>();
    /** Candidates per host (an address without the port). */
    private final Map<InetAddress, Integer> perHost = new HashMap<>();
    private final Map<InetSocketAddress, Integer> failures;
    private final RateLimitedLog dropLog;
    private long tokens;
    private long refilled;
    private long dropped;
    private long attempts;

    /**
     * @param connected whether a session with the peer is open already (then it is not dialled)
     * @param clock     nanoseconds, as {@link System#nanoTime()}
     */
    public Dialer(Limits limits, Connector connector, Predicate<PeerId> connected, LongSupplier clock) {
        this.limits = limits;
        this.connector = connector;
        this.connected = connected;
        this.clock = clock;
        int remembered = 16 * limits.maxCandidates();
        this.failures = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Integer> eldest) {
                return size() > remembered;
            }
        };
        this.dropLog = new RateLimitedLog(LOG, Duration.ofSeconds(60), clock);
        this.tokens = limits.attemptsPerSecond();
        this.refilled = clock.getAsLong();
    }

    public Limits limits() {
        return limits;
    }

    /** A peer announced at {@code address}: dialled soon unless a session with it is open. Never blocks on I/O. */
    public void offer(PeerId peer, InetSocketAddress address) {
        if (connected.test(peer)) {
            return;
        }
        long now = clock.getAsLong();
        synchronized (this) {
            Candidate known = candidates.get(address);
            if (known != null) {
                known.peer = peer;
                known.lastOffered = now;
                return;
            }
            if (candidates.size() >= limits.maxCandidates() && !evictFor(address.getAddress())) {
                dropped++;
                dropLog.log("dial table full (" + limits.maxCandidates() + " untried peers): not dialling "
                        + peer.shortForm() + " at " + address + " for now; " + dropped + " offers dropped so far");
                return;
            }
            Candidate candidate = new Candidate(address, peer, now);
            Integer failed = failures.get(address);
            if (failed != null) {
                candidate.failures = failed;
                candidate.due = now + backoff(failed);
            }
            put(candidate);
            notifyAll();
        }
    }

    /**
     * Makes room for a candidate at {@code host}: drops an idle candidate of the host with the most candidates (its
     * most failed, then oldest offer), if that one has failed before or its host has more candidates than the
     * newcomer's; false if none may go.
     */
    private boolean evictFor(InetAddress host) {
        Candidate worst = null;
        int worstHost = 0;
        for (Candidate c : candidates.values()) {
            if (c.inFlight) {
                continue;
            }
            int count = perHost.get(c.address.getAddress());
            if (worst == null || count > worstHost || count == worstHost && (c.failures > worst.failures
                    || c.failures == worst.failures && c.lastOffered < worst.lastOffered)) {
                worst = c;
                worstHost = count;
            }
        }
        if (worst == null || worst.failures == 0 && worstHost <= perHost.getOrDefault(host, 0)) {
            return false;
        }
        remove(worst);
        return true;
    }

    private void put(Candidate candidate) {
        candidates.put(candidate.address, candidate);
        perHost.merge(candidate.address.getAddress(), 1, Integer::sum);
    }

    private void remove(Candidate candidate) {
        if (candidates.remove(candidate.address) != null) {
            perHost.computeIfPresent(candidate.address.getAddress(), (h, n) -> n == 1 ? null : n - 1);
        }
    }

    private long backoff(int failed) {
        long first = limits.firstBackoff().toNanos();
        long max = limits.maxBackoff().toNanos();
        int shift = Math.min(failed - 1, 30);
        return shift < 0 ? 0 : Math.min(max, first << shift);
    }

    /**
     * One worker: dials due candidates until interrupted. Run it on {@link Limits#workers} threads; an attempt's
     * wait is bounded by the connector's own timeout.
     */
    public void work() throws InterruptedException {
        while (!Thread.currentThread().isInterrupted()) {
            Candidate next = take();
            boolean ok = false;
            try {
                connector.connect(next.peer, next.address);
                ok = true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                LOG.fine("cannot connect to discovered peer " + next.peer.shortForm() + " at " + next.address + ": "
                        + e.getMessage());
            } finally {
                done(next, ok);
            }
        }
        throw new InterruptedException();
    }

    /** Waits for a due candidate and an attempt token; marks the candidate in flight. */
    private synchronized Candidate take() throws InterruptedException {
        int perHostCap = Math.max(1, limits.workers() / 2);
        while (true) {
            long now = clock.getAsLong();
            expire(now);
            Map<InetAddress, Integer> busy = new HashMap<>();
            for (Candidate c : candidates.values()) {
                if (c.inFlight) {
                    busy.merge(c.address.getAddress(), 1, Integer::sum);
                }
            }
            Candidate best = null;
            int bestBusy = 0;
            long soonest = Long.MAX_VALUE;
            for (Candidate c : candidates.values()) {
                int hostBusy = busy.getOrDefault(c.address.getAddress(), 0);
                if (c.inFlight || hostBusy >= perHostCap) {
                    continue;
                }
                if (c.due - now > 0) {
                    soonest = Math.min(soonest, c.due - now);
                } else if (best == null || c.failures < best.failures || c.failures == best.failures
                        && (hostBusy < bestBusy || hostBusy == bestBusy && c.firstOffered - best.firstOffered > 0)) {
                    best = c;
                    bestBusy = hostBusy;
                }
            }
            if (best != null && connected.test(best.peer)) {
                remove(best);
                failures.remove(best.address);
                continue;
            }
            if (best != null) {
                long wait = acquireToken(now);
                if (wait == 0) {
                    best.inFlight = true;
                    attempts++;
                    return best;
                }
                soonest = wait;
            }
            long millis = soonest == Long.MAX_VALUE ? 1000 : Math.max(1, Math.min(1000, soonest / 1_000_000));
            wait(millis);
        }
    }

    /** Takes an attempt token; returns 0, or the nanoseconds until the next one. */
    private long acquireToken(long now) {
        long perToken = 1_000_000_000L / limits.attemptsPerSecond();
        long earned = (now - refilled) / perToken;
        if (earned > 0) {
            tokens = Math.min(limits.attemptsPerSecond(), tokens + earned);
            refilled += earned * perToken;
            if (tokens == limits.attemptsPerSecond()) {
                refilled = now;
            }
        }
        if (tokens > 0) {
            tokens--;
            return 0;
        }
        return perToken - (now - refilled);
    }

    private void expire(long now) {
        long expiry = limits.expiry().toNanos();
        List<Candidate> expired = new ArrayList<>();
        for (Candidate c : candidates.values()) {
            if (!c.inFlight && now - c.lastOffered > expiry) {
                expired.add(c);
            }
        }
        expired.forEach(this::remove);
    }

    private synchronized void done(Candidate candidate, boolean ok) {
        candidate.inFlight = false;
        if (ok) {
            remove(candidate);
            failures.remove(candidate.address);
        } else {
            candidate.failures++;
            candidate.due = clock.getAsLong() + backoff(candidate.failures);
            failures.put(candidate.address, candidate.failures);
        }
        notifyAll();
    }

    /** Candidates in the table now. */
    public synchronized int candidates() {
        return candidates.size();
    }

    /** Offers refused because the table was full of untried candidates. */
    public synchronized long dropped() {
        return dropped;
    }

    /** Attempts started so far. */
    public synchronized long attempts() {
        return attempts;
    }

    /** The failed attempts in a row at {@code address} (0 when none or forgotten). */
    public synchronized int failures(InetSocketAddress address) {
        return failures.getOrDefault(address, 0);
    }
}
