package org.lanspread.product.tests;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * Samples a process once a second from {@code /proc}: its thread count, resident memory and open file descriptors,
 * each sample tagged with the phase the test is in.
 */
final class ProcessSampler implements AutoCloseable {

    /**
     * @param steadyThreads the threads other than those the JVM and the upload pool start and keep on demand (JIT
     *                      compiler and GC workers; upload workers, up to the pool's fixed size): what must come back
     *                      to its idle level after a flood
     */
    record Sample(long millis, String phase, int threads, int steadyThreads, long rssKib, int fds,
            List<String> steadyNames) {
    }

    /** Thread names (as the kernel keeps them: 15 characters) of threads started and kept on demand. */
    private static final java.util.regex.Pattern ON_DEMAND = java.util.regex.Pattern.compile(
            "C[12] CompilerThre|G1 .*|GC Thread.*|lanspread-uploa");

    private final long pid;
    private final Thread thread;
    private final List<Sample> samples = new ArrayList<>();
    private final long start = System.nanoTime();
    private volatile String phase = "idle";
    private volatile boolean running = true;

    ProcessSampler(long pid) {
        this.pid = pid;
        this.thread = new Thread(this::run, "sampler " + pid);
        thread.setDaemon(true);
        thread.start();
    }

    void phase(String next) {
        phase = next;
    }

    private void run() {
        while (running) {
            try {
                Sample sample = sample();
                synchronized (samples) {
                    samples.add(sample);
                }
                Thread.sleep(1000);
            } catch (IOException e) {
                return; // the process ended
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Sample sample() throws IOException {
        int threads = 0;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).strip());
            } else if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.substring(6).replace("kB", "").strip());
            }
        }
        int steady = 0;
        List<String> names = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String name = Files.readString(task.resolve("comm")).strip();
                    if (!ON_DEMAND.matcher(name).matches()) {
                        steady++;
                        names.add(name);
                    }
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        int fds;
        try (var list = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            fds = (int) list.count();
        }
        java.util.Collections.sort(names);
        return new Sample((System.nanoTime() - start) / 1_000_000, phase, threads, steady, rss, fds, names);
    }

    List<Sample> samples(Predicate<Sample> which) {
        synchronized (samples) {
            return samples.stream().filter(which).toList();
        }
    }

    List<Sample> during(String... phases) {
        List<String> wanted = List.of(phases);
        return samples(s -> wanted.contains(s.phase()));
    }

    static int maxThreads(List<Sample> samples) {
        return samples.stream().mapToInt(Sample::threads).max().orElse(0);
    }

    static int maxSteadyThreads(List<Sample> samples) {
        return samples.stream().mapToInt(Sample::steadyThreads).max().orElse(0);
    }

    static long maxRssKib(List<Sample> samples) {
        return samples.stream().mapToLong(Sample::rssKib).max().orElse(0);
    }

    static int maxFds(List<Sample> samples) {
        return samples.stream().mapToInt(Sample::fds).max().orElse(0);
    }

    /** One line per phase: samples, threads min-max, RSS min-max, descriptors max. */
    String summary() {
        StringBuilder out = new StringBuilder();
        List<Sample> all = samples(s -> true);
        all.stream().map(Sample::phase).distinct().forEach(p -> {
            List<Sample> in = all.stream().filter(s -> s.phase().equals(p)).toList();
            out.append(String.format(Locale.ROOT, "  %-24s %3d samples  threads %4d-%-5d (steady %d-%d)  RSS %4d-%4d MiB  fds max %d%n",
                    p, in.size(), in.stream().mapToInt(Sample::threads).min().orElse(0), maxThreads(in),
                    in.stream().mapToInt(Sample::steadyThreads).min().orElse(0), maxSteadyThreads(in),
                    in.stream().mapToLong(Sample::rssKib).min().orElse(0) / 1024, maxRssKib(in) / 1024, maxFds(in)));
        });
        return out.toString();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }
}
