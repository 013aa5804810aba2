package org.lanspread.peer.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Structured tasks: every thread the runtime starts belongs to a group, which has a parent group, a cancellation
 * token (a child of the parent's) and a join point. Nothing is detached: {@link #join} waits for every task of the
 * group and its child groups.
 */
final class TaskGroup {

    private static final Logger LOG = Logger.getLogger(TaskGroup.class.getName());

    /** A task body; it checks its token at safe points. */
    @FunctionalInterface
    interface Body {
        void run(CancelToken token) throws Exception;
    }

    private final String name;
    private final CancelToken token;
    private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
    private final Set<Thread> interruptible = ConcurrentHashMap.newKeySet();
    private final List<TaskGroup> children = new ArrayList<>();

    private final TaskGroup parent;

    private TaskGroup(String name, CancelToken token, TaskGroup parent) {
        this.name = name;
        this.token = token;
        this.parent = parent;
    }

    /** Forgets a child group whose tasks have all ended (keeps long-lived parents small). */
    void release() {
        if (parent != null && threads.isEmpty()) {
            synchronized (parent) {
                parent.children.remove(this);
            }
        }
    }

    static TaskGroup root(String name) {
        return new TaskGroup(name, CancelToken.root(), null);
    }

    /** A group whose tasks are cancelled and joined with this one's. */
    synchronized TaskGroup child(String childName) {
        TaskGroup child = new TaskGroup(name + "/" + childName, token.child(), this);
        children.add(child);
        return child;
    }

    CancelToken token() {
        return token;
    }

    String name() {
        return name;
    }

    /**
     * Starts a task on its own thread.
     *
     * @param interruptOnCancel whether cancelling interrupts the thread (for blocking waits such as a file watcher);
     *                          tasks that write files say false and check the token instead
     * @param onExit            called on the task's thread when the body ends, with what it threw or null; never
     *                          skipped
     */
    Thread fork(String taskName, boolean interruptOnCancel, Body body, java.util.function.Consumer<Throwable> onExit) {
        Thread thread = new Thread(() -> {
            Throwable failure = null;
            try {
                body.run(token);
            } catch (Throwable t) {
                failure = t;
            } finally {
                threads.remove(Thread.currentThread());
                interruptible.remove(Thread.currentThread());
                try {
                    onExit.accept(failure);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "exit handler of " + taskName + " failed", e);
                }
            }
        }, "lanspread " + name + "/" + taskName);
        thread.setDaemon(true);
        threads.add(thread);
        if (interruptOnCancel) {
            interruptible.add(thread);
        }
        thread.start();
        return thread;
    }

    /** Cancels the token and interrupts the tasks that asked for it, here and in child groups. */
    void cancel(String why) {
        token.cancel(why);
        interruptible.forEach(Thread::interrupt);
        List<TaskGroup> copy;
        synchronized (this) {
            copy = List.copyOf(children);
        }
        copy.forEach(c -> c.cancel(why));
    }

    /**
     * Waits for every task of this group and its children.
     *
     * @return true when all ended within {@code timeout}
     */
    boolean join(Duration timeout) throws InterruptedException {
        return join(timeout, null);
    }

    /**
     * Waits for every task of this group and its children except {@code skipped} (a child already given its time).
     *
     * @return true when all those ended within {@code timeout}
     */
    boolean join(Duration timeout, TaskGroup skipped) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<TaskGroup> copy;
        synchronized (this) {
            copy = new ArrayList<>(children);
        }
        copy.remove(skipped);
        for (TaskGroup child : copy) {
            if (!child.join(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        for (Thread thread : List.copyOf(threads)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return threads.isEmpty();
            }
            thread.join(Duration.ofNanos(left));
        }
        return threads.isEmpty();
    }

    /** Threads still running (for diagnostics and tests). */
    int running() {
        List<TaskGroup> copy;
        synchronized (this) {
            copy = List.copyOf(children);
        }
        return threads.size() + copy.stream().mapToInt(TaskGroup::running).sum();
    }

    /** Where each thread still running is (its name and stack), for a warning about tasks that do not stop. */
    String stacks() {
        List<TaskGroup> copy;
        synchronized (this) {
            copy = List.copyOf(children);
        }
        StringBuilder out = new StringBuilder();
        for (Thread thread : List.copyOf(threads)) {
            out.append("\n  \"").append(thread.getName()).append("\" ").append(thread.getState());
            for (StackTraceElement frame : thread.getStackTrace()) {
                out.append("\n      at ").append(frame);
            }
        }
        copy.forEach(child -> out.append(child.stacks()));
        return out.toString();
    }
}
