package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/** The supervision policies, on real threads. */
class SupervisorTest {

    private record Failure(String component, Throwable error) {
    }

    @Test
    void aRequiredServiceThatThrowsIsReportedOnceWithItsComponentAndError() throws Exception {
        List<Failure> failures = new CopyOnWriteArrayList<>();
        TaskGroup group = TaskGroup.root("test");
        Supervisor supervisor = new Supervisor(group, (c, e) -> failures.add(new Failure(c, e)));
        AtomicInteger runs = new AtomicInteger();
        supervisor.start("server", new Supervisor.Policy.Required(), token -> {
            runs.incrementAndGet();
            throw new IllegalStateException("socket closed");
        });
        TestPeer.await("the failure report", 5, () -> !failures.isEmpty());
        assertTrue(group.join(Duration.ofSeconds(2)));
        assertEquals(1, failures.size());
        assertEquals("server", failures.get(0).component());
        assertEquals("socket closed", failures.get(0).error().getMessage());
        assertEquals(1, runs.get(), "a Required service is not restarted");
    }

    @Test
    void aRequiredServiceThatReturnsOnItsOwnIsAFailureTooButACancelledOneIsNot() throws Exception {
        List<Failure> failures = new CopyOnWriteArrayList<>();
        TaskGroup group = TaskGroup.root("test");
        Supervisor supervisor = new Supervisor(group, (c, e) -> failures.add(new Failure(c, e)));
        supervisor.start("returns", new Supervisor.Policy.Required(), token -> {
        });
        TestPeer.await("the failure report", 5, () -> !failures.isEmpty());
        assertTrue(failures.get(0).error().getMessage().contains("stopped on its own"));

        failures.clear();
        supervisor.start("waits", new Supervisor.Policy.Required(), token -> Thread.sleep(60_000));
        Thread.sleep(100);
        group.cancel("shutdown");
        assertTrue(group.join(Duration.ofSeconds(2)), "an interruptible service stops when cancelled");
        assertTrue(failures.isEmpty(), "a cancelled service is a normal stop: " + failures);
    }

    @Test
    void aRestartServiceIsRestartedAfterItsDelayUntilShutdown() throws Exception {
        List<Failure> failures = new CopyOnWriteArrayList<>();
        TaskGroup group = TaskGroup.root("test");
        Supervisor supervisor = new Supervisor(group, (c, e) -> failures.add(new Failure(c, e)));
        List<Long> starts = new CopyOnWriteArrayList<>();
        supervisor.start("discovery", new Supervisor.Policy.Restart(Duration.ofMillis(200)), token -> {
            starts.add(System.nanoTime());
            throw new RuntimeException("crash " + starts.size());
        });
        TestPeer.await("three runs", 5, () -> starts.size() >= 3);
        long gapMillis = (starts.get(2) - starts.get(1)) / 1_000_000;
        assertTrue(gapMillis >= 190, "restarted after its delay, not at once: " + gapMillis + " ms");
        group.cancel("shutdown");
        assertTrue(group.join(Duration.ofSeconds(2)), "the restart wait ends on shutdown");
        int runs = starts.size();
        Thread.sleep(500);
        assertEquals(runs, starts.size(), "no restart after shutdown");
        assertTrue(failures.isEmpty(), "a Restart service's crash is not a runtime failure");
    }

    @Test
    void aBestEffortServiceIsLoggedAndLeftStopped() throws Exception {
        List<Failure> failures = new CopyOnWriteArrayList<>();
        TaskGroup group = TaskGroup.root("test");
        Supervisor supervisor = new Supervisor(group, (c, e) -> failures.add(new Failure(c, e)));
        AtomicInteger runs = new AtomicInteger();
        supervisor.start("monitor", new Supervisor.Policy.BestEffort(), token -> {
            runs.incrementAndGet();
            throw new Error("a crash, not just an exception");
        });
        assertTrue(group.join(Duration.ofSeconds(2)));
        Thread.sleep(300);
        assertEquals(1, runs.get());
        assertTrue(failures.isEmpty());
    }

    @Test
    void cancellingAGroupCancelsItsChildrenAndJoinWaitsForThem() throws Exception {
        TaskGroup root = TaskGroup.root("root");
        TaskGroup child = root.child("child");
        AtomicInteger finishedWrites = new AtomicInteger();
        // A task that checks its token between "writes" and is never interrupted mid-write.
        child.fork("writer", false, token -> {
            while (!token.isCancelled()) {
                Thread.sleep(5); // one write
                finishedWrites.incrementAndGet();
            }
        }, failure -> {
        });
        Thread.sleep(50);
        root.cancel("stop");
        assertTrue(child.token().isCancelled());
        assertTrue(root.join(Duration.ofSeconds(2)));
        assertEquals(0, root.running());
        assertTrue(finishedWrites.get() > 0);
    }
}
