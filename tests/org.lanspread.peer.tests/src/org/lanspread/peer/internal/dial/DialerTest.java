package org.lanspread.peer.internal.dial;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.lanspread.api.transport.PeerId;

/** The dialer on its own: bounds, order, backoff and rate, with a connector that fails or succeeds by address. */
class DialerTest {

    private final List<Thread> workers = new ArrayList<>();
    private final Set<InetSocketAddress> live = ConcurrentHashMap.newKeySet();
    private final Set<PeerId> connected = ConcurrentHashMap.newKeySet();
    private final List<InetSocketAddress> attempts = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger peakInFlight = new AtomicInteger();
    private volatile long attemptMillis = 20;

    private static PeerId id(int n) {
        return new PeerId(String.format("%064x", n));
    }

    private static InetSocketAddress at(int port) {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** An address on loopback host 127.0.0.{@code host} (nothing is sent: the connector here is a fake). */
    private static InetSocketAddress at(int host, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) host}), port);
    }

    private Dialer start(Dialer.Limits limits) {
        Dialer dialer = new Dialer(limits, (peer, address) -> {
            attempts.add(address);
            peakInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
            try {
                // an attempt takes time, as a handshake does; one where nobody answers waits for its timeout
                Thread.sleep(live.contains(address) ? Math.min(attemptMillis, 5) : attemptMillis);
                if (!live.contains(address)) {
                    throw new java.io.IOException("nobody at " + address);
                }
                connected.add(peer);
            } finally {
                inFlight.decrementAndGet();
            }
        }, connected::contains, System::nanoTime);
        for (int i = 0; i < limits.workers(); i++) {
            Thread worker = new Thread(() -> {
                try {
                    dialer.work();
                } catch (InterruptedException e) {
                    // stopped
                }
            }, "dialer test " + i);
            worker.setDaemon(true);
            worker.start();
            workers.add(worker);
        }
        return dialer;
    }

    @AfterEach
    void stop() throws InterruptedException {
        workers.forEach(Thread::interrupt);
        for (Thread worker : workers) {
            worker.join(2000);
        }
    }

    @Test
    void aThousandAnnouncedPeersUseTheFixedWorkersAndTableOnly() throws Exception {
        Dialer dialer = start(new Dialer.Limits(3, 32, 50, Duration.ofMillis(100), Duration.ofSeconds(1),
                Duration.ofSeconds(30)));
        int threadsBefore = Thread.activeCount();
        for (int i = 0; i < 1000; i++) {
            dialer.offer(id(i), at(1 + i / 4 % 8, 20000 + i)); // in turns from 8 hosts: 32 untried fill the table
            assertTrue(dialer.candidates() <= 32, "table: " + dialer.candidates());
        }
        Thread.sleep(1000);
        assertTrue(Thread.activeCount() <= threadsBefore + 1, "no thread per peer or attempt");
        assertEquals(3, peakInFlight.get(), "attempts run on the three workers, at most three at once");
        assertTrue(dialer.dropped() > 800, "offers past the table are dropped: " + dialer.dropped());
        assertTrue(attempts.size() <= 50 + 50 + 3, "at most 50 attempts a second (and a burst of 50): "
                + attempts.size());
    }

    @Test
    void unreachableAddressesBackOffAndANewcomerGoesFirst() throws Exception {
        attemptMillis = 5;
        Dialer dialer = start(new Dialer.Limits(1, 64, 1000, Duration.ofMillis(200), Duration.ofMillis(800),
                Duration.ofSeconds(30)));
        for (int i = 0; i < 20; i++) {
            dialer.offer(id(i), at(30000 + i));
        }
        Thread.sleep(2000);
        long perDead = attempts.stream().filter(a -> a.equals(at(30000))).count();
        // 200, 400, 800, 800 ms ... after the first: 1 + at most 4 in 2 s
        assertTrue(perDead >= 2 && perDead <= 5, "attempts at one dead address in 2 s: " + perDead);
        assertTrue(dialer.failures(at(30000)) >= 2, "failures remembered");

        live.add(at(40000));
        int before = attempts.size();
        dialer.offer(id(999), at(40000));
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (!connected.contains(id(999)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(connected.contains(id(999)), "the newcomer was connected");
        assertTrue(attempts.indexOf(at(40000)) - before <= 1, "the newcomer went before the failing ones: "
                + attempts.subList(before, attempts.size()));
        Thread.sleep(300);
        assertEquals(1, attempts.stream().filter(a -> a.equals(at(40000))).count(), "connected: not dialled again");
        dialer.offer(id(999), at(40000));
        Thread.sleep(100);
        assertEquals(1, attempts.stream().filter(a -> a.equals(at(40000))).count(), "a connected peer is not dialled");
    }

    @Test
    void aFullTableMakesRoomByDroppingTheMostFailedAndRemembersItsBackoff() throws Exception {
        attemptMillis = 1;
        Dialer dialer = start(new Dialer.Limits(1, 4, 1000, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(30)));
        for (int i = 0; i < 4; i++) {
            dialer.offer(id(i), at(31000 + i));
        }
        Thread.sleep(300); // each tried once and failed: backing off for 5 s
        assertEquals(4, attempts.size());
        live.add(at(41000));
        dialer.offer(id(100), at(41000)); // the table is full of failed candidates: one makes room
        Thread.sleep(300);
        assertTrue(connected.contains(id(100)), "the newcomer got a place and was dialled");
        assertEquals(0, dialer.dropped());
        assertTrue(dialer.candidates() <= 4);
        // The evicted address comes back with its failure count: not dialled again before its backoff.
        int before = attempts.size();
        for (int i = 0; i < 4; i++) {
            dialer.offer(id(i), at(31000 + i));
        }
        Thread.sleep(300);
        assertEquals(before, attempts.size(), "no address is retried before its backoff: " + attempts);
    }

    @Test
    void oneHostAnnouncingHundredsNeitherTakesEveryWorkerNorHidesAnotherHostsPeer() throws Exception {
        attemptMillis = 1000; // the flood's addresses answer nothing: each attempt waits for its timeout
        Dialer dialer = start(new Dialer.Limits(4, 256, 1000, Duration.ofSeconds(5), Duration.ofSeconds(60),
                Duration.ofSeconds(30)));
        for (int i = 0; i < 1000; i++) {
            dialer.offer(id(i), at(3, 20000 + i));
        }
        assertEquals(256, dialer.candidates());
        Thread.sleep(200);
        assertEquals(2, inFlight.get(), "one host gets half of the four workers");

        InetSocketAddress real = at(2, 47800);
        live.add(real);
        dialer.offer(id(5000), real); // the table is full of untried candidates, all of the flooding host
        long deadline = System.nanoTime() + 500_000_000L;
        while (!connected.contains(id(5000)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(connected.contains(id(5000)), "the other host's peer got a place and a free worker at once");
        assertTrue(dialer.candidates() <= 256);
        assertTrue(peakInFlight.get() <= 3, "the flood never held more than two workers: " + peakInFlight.get());

        // A second flooding host may fill its own share, not push out the other's: a third host still gets in.
        for (int i = 0; i < 300; i++) {
            dialer.offer(id(10_000 + i), at(4, 30000 + i));
        }
        InetSocketAddress third = at(5, 47800);
        live.add(third);
        dialer.offer(id(6000), third);
        deadline = System.nanoTime() + 1_500_000_000L;
        while (!connected.contains(id(6000)) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(connected.contains(id(6000)), "a third host's peer is dialled while two hosts flood");
    }
}
