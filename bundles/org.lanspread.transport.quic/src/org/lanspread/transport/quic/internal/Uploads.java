package org.lanspread.transport.quic.internal;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.UploadLimits;

/**
 * Serves chunk requests off the network threads: a request waits (without a thread) until its bytes fit the upload
 * memory budget ({@link UploadBudget}), then its disk read runs on a small pool whose size is the concurrent-upload
 * cap, and each send is paced to the global and per-peer rate caps. The pool is owned by the transport and stopped
 * with it.
 */
final class Uploads implements AutoCloseable {

    /** Reads and sends when no cap is set: enough to keep a few peers busy without flooding the disk. */
    static final int DEFAULT_CONCURRENCY = 4;

    private volatile UploadLimits limits;
    private final ThreadPoolExecutor pool;
    private volatile Pacer global;
    private final Map<PeerId, Pacer> perPeer = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger peak = new AtomicInteger();
    private final UploadBudget budget = new UploadBudget(System::nanoTime);

    Uploads(UploadLimits limits, String owner) {
        this.limits = limits;
        this.global = new Pacer(limits.globalBytesPerSecond());
        int threads = limits.maxConcurrentUploads() > 0 ? limits.maxConcurrentUploads() : DEFAULT_CONCURRENCY;
        AtomicInteger count = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread thread = new Thread(r, "lanspread-upload " + owner + " #" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /** One upload: read (on a pool thread), then send. */
    interface Job {
        /** Reads the bytes; returns how many will be sent. Errors are the job's to report. */
        int read() throws Exception;

        /**
         * Sends what was read (called after pacing); calls {@link UploadBudget.Lease#progress} as the bytes leave
         * and {@link UploadBudget.Lease#release} once they all have, or the send failed.
         */
        void send(UploadBudget.Lease lease);

        /** The transport is closing, the read failed or ran out of memory: tell the requester, free the bytes. */
        void fail(Throwable error);
    }

    /** Runs other disk-bound work for peers (e.g. making a manifest) on the pool; dropped once it is closed. */
    void execute(Runnable work) {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            // this peer is shutting down: the requester sees its connection close
        }
    }

    /**
     * Queues a job of {@code bytes}: it is read once they fit the connection's and the global upload budget, and
     * holds them until its bytes have left. Never blocks the caller.
     */
    void submit(UploadBudget.Account account, PeerId peer, long bytes, Job job) {
        budget.request(account, bytes, lease -> {
            try {
                pool.execute(() -> run(peer, lease, job));
            } catch (RejectedExecutionException e) {
                lease.release();
                fail(job, new IllegalStateException("this peer is shutting down"));
            }
        });
    }

    UploadBudget budget() {
        return budget;
    }

    private void run(PeerId peer, UploadBudget.Lease lease, Job job) {
        int now = running.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        boolean sending = false;
        try {
            int bytes = job.read();
            long waitNanos = Math.max(global.reserve(bytes), perPeer
                    .computeIfAbsent(peer, p -> new Pacer(limits.perPeerBytesPerSecond())).reserve(bytes));
            if (waitNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            }
            sending = true;
            job.send(lease);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(job, new IllegalStateException("this peer is shutting down"));
        } catch (Throwable e) { // an Error too (e.g. out of direct memory): the requester is told, nothing leaks
            if (!sending) {
                fail(job, e);
            }
        } finally {
            if (!sending) {
                lease.release();
            }
            running.decrementAndGet();
        }
    }

    /** Tells the requester; when the network threads are already gone (closing), there is nobody left to tell. */
    private static void fail(Job job, Throwable error) {
        try {
            job.fail(error);
        } catch (RejectedExecutionException e) {
            // the event loop has terminated: the connection is closed and the requester sees that
        }
    }

    /** Replaces the caps: later reservations follow the new rates, the pool grows or shrinks to the new count. */
    synchronized void limits(UploadLimits next) {
        int threads = next.maxConcurrentUploads() > 0 ? next.maxConcurrentUploads() : DEFAULT_CONCURRENCY;
        if (threads >= pool.getMaximumPoolSize()) {
            pool.setMaximumPoolSize(threads);
            pool.setCorePoolSize(threads);
        } else {
            pool.setCorePoolSize(threads);
            pool.setMaximumPoolSize(threads);
        }
        limits = next;
        global = new Pacer(next.globalBytesPerSecond());
        perPeer.clear();
    }

    UploadLimits limits() {
        return limits;
    }

    /** The most uploads that ran at once (for tests and benchmarks). */
    int peakConcurrency() {
        return peak.get();
    }

    void forget(PeerId peer) {
        perPeer.remove(peer);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }

    /**
     * Paces a byte stream to a rate: each reservation is scheduled after the previous ones, so the average never
     * exceeds the rate; an idle pacer allows a burst of up to a quarter second.
     */
    static final class Pacer {
        private final long bytesPerSecond;
        private long nextFreeNanos = System.nanoTime();

        Pacer(long bytesPerSecond) {
            this.bytesPerSecond = bytesPerSecond;
        }

        /** Reserves {@code bytes}; returns how long to wait before sending them. */
        synchronized long reserve(int bytes) {
            if (bytesPerSecond <= 0) {
                return 0;
            }
            long now = System.nanoTime();
            long start = Math.max(nextFreeNanos, now - TimeUnit.MILLISECONDS.toNanos(250));
            nextFreeNanos = start + bytes * 1_000_000_000L / bytesPerSecond;
            return Math.max(0, start - now);
        }
    }
}
