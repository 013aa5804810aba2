package org.lanspread.transport.quic.internal;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * The memory that uploads may hold: bytes read for a peer and not yet taken by its connection. A chunk is read only
 * when its bytes fit both its connection's share and the whole budget ({@link #GLOBAL_BYTES}); the share is the
 * budget divided among the connections that upload, at most {@link #PER_CONNECTION_BYTES} (a downloader's four chunks
 * in flight) and at least one chunk. A chunk holds its bytes until the QUIC stack has taken the last one (or the
 * stream failed), so a peer that does not read stops getting chunks read for it instead of piling them up. Requests
 * that do not fit wait, in order, without a thread. A connection that holds bytes and takes none for
 * {@link #STALL} is closed, which releases them; when others wait for the budget, one that took nothing for
 * {@link #STALL_UNDER_PRESSURE} is closed first.
 */
final class UploadBudget {

    private static final Logger LOG = Logger.getLogger(UploadBudget.class.getName());
    static final long GLOBAL_BYTES = 128L << 20;
    static final long PER_CONNECTION_BYTES = 16L << 20;
    /** A connection's share never drops below one chunk, and a connection holding nothing may always take one. */
    static final long MIN_SHARE_BYTES = 4L << 20;
    static final Duration STALL = Duration.ofSeconds(10);
    static final Duration STALL_UNDER_PRESSURE = Duration.ofSeconds(2);

    /** One connection's share; {@code close} ends the connection (it releases what it holds as its writes fail). */
    final class Account {
        private final String who;
        private final Runnable close;
        private final Deque<Pending> waiting = new ArrayDeque<>();
        private long held;
        private long lastProgress;
        private boolean closed;

        private Account(String who, Runnable close) {
            this.who = who;
            this.close = close;
        }
    }

    private record Pending(long bytes, Consumer<Lease> start) {
    }

    /** Bytes held for one chunk: {@link #progress} as the stack takes them, {@link #release} once (idempotent). */
    final class Lease {
        private final Account account;
        private final long bytes;
        private boolean released;

        private Lease(Account account, long bytes) {
            this.account = account;
            this.bytes = bytes;
        }

        void progress() {
            synchronized (UploadBudget.this) {
                account.lastProgress = clock.getAsLong();
            }
        }

        void release() {
            List<Runnable> starts;
            synchronized (UploadBudget.this) {
                if (released) {
                    return;
                }
                released = true;
                account.held -= bytes;
                held -= bytes;
                account.lastProgress = clock.getAsLong();
                starts = dispatch();
            }
            starts.forEach(Runnable::run);
        }
    }

    private final LongSupplier clock;
    private final long global;
    private final long perConnection;
    private final Set<Account> accounts = new LinkedHashSet<>();
    private long held;
    private long peak;
    private long stallsClosed;

    UploadBudget(LongSupplier clock) {
        this(clock, GLOBAL_BYTES, PER_CONNECTION_BYTES);
    }

    UploadBudget(LongSupplier clock, long global, long perConnection) {
        this.clock = clock;
        this.global = global;
        this.perConnection = perConnection;
    }

    synchronized Account open(String who, Runnable close) {
        Account account = new Account(who, close);
        account.lastProgress = clock.getAsLong();
        accounts.add(account);
        return account;
    }

    /** The connection is gone: its waiting requests are dropped (its writes release what it holds as they fail). */
    void closed(Account account) {
        List<Runnable> starts;
        synchronized (this) {
            account.closed = true;
            account.waiting.clear();
            accounts.remove(account);
            starts = dispatch();
        }
        starts.forEach(Runnable::run);
    }

    /**
     * Starts {@code start} with a lease of {@code bytes} (capped at the connection's share) once they fit; at once
     * when they do. Never blocks.
     */
    void request(Account account, long bytes, Consumer<Lease> start) {
        List<Runnable> starts;
        synchronized (this) {
            if (account.closed) {
                return;
            }
            account.waiting.add(new Pending(Math.max(0, Math.min(bytes, perConnection)), start));
            starts = dispatch();
        }
        starts.forEach(Runnable::run);
    }

    /**
     * Leases what fits now, one request per connection in turn, the connections holding least first: a peer that
     * reads gets the bytes that peers which do not read gave back (under the lock; the starts run outside it).
     */
    private List<Runnable> dispatch() {
        List<Runnable> starts = new ArrayList<>();
        boolean progress = true;
        while (progress) {
            progress = false;
            long active = accounts.stream().filter(a -> a.held > 0 || !a.waiting.isEmpty()).count();
            long share = Math.max(MIN_SHARE_BYTES, Math.min(perConnection, global / Math.max(1, active)));
            List<Account> turn = accounts.stream().filter(a -> !a.waiting.isEmpty())
                    .sorted(Comparator.comparingLong(a -> a.held)).toList();
            for (Account account : turn) {
                Pending next = account.waiting.peek();
                boolean withinShare = account.held == 0 || account.held + next.bytes() <= share;
                if (withinShare && held + next.bytes() <= global) {
                    account.waiting.poll();
                    if (account.held == 0) {
                        account.lastProgress = clock.getAsLong(); // the stall clock starts with the first bytes held
                    }
                    account.held += next.bytes();
                    held += next.bytes();
                    peak = Math.max(peak, held);
                    Lease lease = new Lease(account, next.bytes());
                    starts.add(() -> next.start().accept(lease));
                    progress = true;
                }
            }
        }
        return starts;
    }

    /** Closes connections that hold bytes and take none (called every second by the transport). */
    void sweep() {
        List<Account> stalled = new ArrayList<>();
        synchronized (this) {
            long now = clock.getAsLong();
            boolean pressure = accounts.stream().anyMatch(a -> !a.waiting.isEmpty() && held + a.waiting.peek().bytes()
                    > global);
            Account worst = null;
            for (Account account : accounts) {
                if (account.held == 0) {
                    continue;
                }
                long idle = now - account.lastProgress;
                if (idle > STALL.toNanos()) {
                    stalled.add(account);
                } else if (pressure && idle > STALL_UNDER_PRESSURE.toNanos()
                        && (worst == null || account.lastProgress < worst.lastProgress)) {
                    worst = account;
                }
            }
            if (worst != null && stalled.isEmpty()) {
                stalled.add(worst);
            }
            stallsClosed += stalled.size();
        }
        for (Account account : stalled) {
            LOG.warning("closing the connection of " + account.who + ": it holds upload bytes and has taken none for "
                    + "over " + ((clock.getAsLong() - account.lastProgress) / 1_000_000_000L) + " s");
            account.close.run();
        }
    }

    /** Each connection's bytes held, seconds since it last took any, and requests waiting (diagnostics). */
    synchronized String describe() {
        long now = clock.getAsLong();
        StringBuilder out = new StringBuilder();
        for (Account a : accounts) {
            out.append(String.format(Locale.ROOT, "%s: %d MiB held, idle %.1f s, %d waiting; ", a.who,
                    a.held >> 20, (now - a.lastProgress) / 1e9, a.waiting.size()));
        }
        return out.toString();
    }

    /** Bytes held now, the most held at once, and stalled connections closed (tests and figures). */
    synchronized long held() {
        return held;
    }

    synchronized long peak() {
        return peak;
    }

    synchronized long stallsClosed() {
        return stallsClosed;
    }
}
