package org.lanspread.headless.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeCommand;

/**
 * {@code serve --fetch GAME}: downloads a serving peer runs beside its serving, each on a thread of its own. Each waits
 * for its {@code --fetch-at} (so that several peers start together, and games go one after the other), then for
 * {@code --peers} peers offering the game (within {@code --wait}), downloads it, and says how it ended; the peer
 * serves on, the game included, meanwhile (the chunks it holds) and after (the whole of it).
 */
final class Fetches {

    private final PeerRuntime runtime;
    private final Cli cli;
    private final PrintStream out;
    private final List<Thread> threads = new ArrayList<>();

    Fetches(PeerRuntime runtime, Cli cli, PrintStream out) {
        this.runtime = runtime;
        this.cli = cli;
        this.out = out;
    }

    void start() {
        for (int i = 0; i < cli.fetch().size(); i++) {
            String id = cli.fetch().get(i);
            long at = cli.fetchAt().get(i);
            Thread thread = new Thread(() -> {
                try {
                    fetch(id, at);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the serving stopped
                }
            }, "lanspread fetch " + id);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    void stop() {
        threads.forEach(Thread::interrupt);
    }

    private void say(String line) {
        synchronized (out) {
            out.println(HeadlessApplication.stamp() + " " + line);
            out.flush();
        }
    }

    private void fetch(String id, long at) throws InterruptedException {
        long wait = at - System.currentTimeMillis();
        if (wait > 0) {
            say("fetch " + id + ": starting in " + wait + " ms");
            Thread.sleep(wait);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(cli.waitSeconds());
        while (HeadlessApplication.offeredBy(runtime, id) < cli.peers() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        say("fetch " + id + ": " + HeadlessApplication.offeredBy(runtime, id) + " peer(s) offer it; downloading");
        try {
            OperationOutcome outcome = runtime.submit(new RuntimeCommand.Download(id)).get();
            say("fetched " + id + ": " + outcome.result().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                    + outcome.message());
        } catch (ExecutionException e) {
            say("fetch " + id + " failed: " + e.getCause().getMessage());
        }
    }
}
