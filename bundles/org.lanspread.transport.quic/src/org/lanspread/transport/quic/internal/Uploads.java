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
 * Serves chunk requests off the network threads: disk reads run on a small pool whose size is the concurrent-upload
 * cap (requests beyond it wait in order), and each send is paced to the global and per-peer rate caps. The pool is
 * owned by the transport and stopped with it.
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

        /** Sends what was read (called after pacing). */
        void send();

        /** The transport is closing or the read failed: report it to the requester. */
        void fail(Exception error);
    }

    /** Runs other disk-bound work for peers (e.g. making a manifest) on the pool; dropped once it is closed. */
    void execute(Runnable work) {
        try {
            pool.execute(work);
        } catch (RejectedExecutionException e) {
            // this peer is shutting down: the requester sees its connection close
        }
    }

    void submit(PeerId peer, Job job) {
        try {
            pool.execute(() -> run(peer, job));
        } catch (RejectedExecutionException e) {
            fail(job, new IllegalStateException("this peer is shutting down"));
        }
    }

    private void run(PeerId peer, Job job) {
        int now = running.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        try {
            int bytes = job.read();
            long waitNanos = Math.max(global.reserve(bytes), perPeer
                    .computeIfAbsent(peer, p -> new Pacer(limits.perPeerBytesPerSecond())).reserve(bytes));
            if (waitNanos > 0) {
                TimeUnit.NANOSECONDS.sleep(waitNanos);
            }
            job.send();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            fail(job, new IllegalStateException("this peer is shutting down"));
        } catch (Exception e) {
            fail(job, e);
        } finally {
            running.decrementAndGet();
        }
    }

    /** Tells the requester; when the network threads are already gone (closing), there is nobody left to tell. */
    private static void fail(Job job, Exception error) {
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
