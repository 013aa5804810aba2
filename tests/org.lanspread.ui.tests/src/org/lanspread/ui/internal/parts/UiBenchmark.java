package org.lanspread.ui.internal.parts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.swt.widgets.Display;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.runtime.RuntimeCommand;
import org.lanspread.testing.osgi.Runtimes;
import org.lanspread.testing.osgi.Services;

/**
 * Prints (asserts nothing): the time from asking the runtime for a game directory of 2,000 games and opening the
 * window's parts to all 2,000 rows shown, and the longest UI-thread stall while a real download from a QUIC seed
 * on loopback runs with the window showing its progress. Run by scripts/bench (profile "bench").
 */
class UiBenchmark {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void populatedWindowAndUiStalls() throws Exception {
        PeerRuntime runtime = Runtimes.awaitStarted();
        PeerSettings before = runtime.settings();
        Path games = Files.createDirectories(dir.resolve("games"));
        for (int i = 0; i < 2000; i++) { // half downloaded, half installed only
            Path folder = Files.createDirectories(games.resolve(String.format(Locale.ROOT, "game-%04d", i)));
            if (i % 2 == 0) {
                Files.writeString(folder.resolve("version.ini"), "1\n");
                Files.write(folder.resolve("game.rar"), new byte[64]);
            } else {
                Files.createDirectories(folder.resolve("local"));
            }
        }
        StringBuilder out = new StringBuilder("=== LanSpread UI benchmark\n");
        try {
            long start = System.nanoTime();
            runtime.submit(new RuntimeCommand.SetGameDir(games)).get(60, TimeUnit.SECONDS);
            try (TestWindow window = new TestWindow(PartContexts.osgi())) {
                window.until("2,000 rows", () -> window.games.viewer().getTable().getItemCount() >= 2000);
                long populated = System.nanoTime() - start;
                out.append(String.format(Locale.ROOT, "  2,000 games: directory switch (scan) + window parts to all "
                        + "rows shown: %d ms (goal <= 2,500 ms; excludes JVM and workbench start)%n",
                        populated / 1_000_000));
            }

            try (SlowSeed seed = new SlowSeed(dir, 256 * MIB, 64 * MIB);
                    TestWindow window = new TestWindow(PartContexts.osgi())) {
                runtime.submit(new RuntimeCommand.ApplySettings(new PeerSettings(games, before.uploads(), null,
                        List.of(seed.address()), true))).get(10, TimeUnit.SECONDS);
                window.until("the seed's game", () -> runtime.snapshot().games().stream()
                        .anyMatch(g -> g.id().equals("quake3") && g.peerCount() == 1));
                window.games.select("quake3");
                var download = runtime.submit(new RuntimeCommand.Download("quake3"));
                // A UI-thread heartbeat every 5 ms: the longest gap beyond that is the longest stall.
                Display display = window.display;
                AtomicLong last = new AtomicLong(System.nanoTime());
                AtomicLong worst = new AtomicLong();
                AtomicLong beats = new AtomicLong();
                Runnable[] beat = new Runnable[1];
                beat[0] = () -> {
                    long now = System.nanoTime();
                    worst.accumulateAndGet(now - last.getAndSet(now), Math::max);
                    beats.incrementAndGet();
                    if (!download.isDone()) {
                        display.timerExec(5, beat[0]);
                    }
                };
                long downloadStart = System.nanoTime();
                display.timerExec(5, beat[0]);
                window.until("the download to end", download::isDone);
                long seconds = Math.max(1, (System.nanoTime() - downloadStart) / 1_000_000_000L);
                out.append(String.format(Locale.ROOT, "  UI thread during a 256 MiB download (%s, %d s, %d "
                        + "heartbeats): longest stall %d ms beyond the 5 ms beat (goal < 100 ms)%n",
                        download.get().result(), seconds, beats.get(),
                        Math.max(0, worst.get() / 1_000_000 - 5)));
            }
        } finally {
            runtime.submit(new RuntimeCommand.ApplySettings(before)).get(30, TimeUnit.SECONDS);
        }
        System.out.println(out);
    }
}
