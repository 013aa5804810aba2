package org.lanspread.product.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Hostile LAN input against a real peer (the installed product, headless, mDNS on) on a switched LAN of network
 * namespaces: its thread count must stay under the bound README states, whatever the LAN announces, and real peers
 * must still find it and download from it.
 * <p>
 * It runs beside the first class (junit-platform.properties): its peers are in its own namespaces, and it mostly
 * waits. Its two tests use the same namespace names, so they run one after the other.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(NetLab.LOCK)
class LanFloodTest {

    /** README, "Resource bounds": a serving peer's threads, whatever the LAN sends. */
    static final int THREAD_BOUND = 64;
    /** README: resident memory may grow by at most this much under a flood. */
    static final long RSS_MARGIN_MIB = 128;
    private static final long MIB = 1024 * 1024;
    private static final Pattern STAMP = Pattern.compile("^(\\S+Z) ");
    private static final Pattern SINCE = Pattern.compile("running since (\\S+Z)\\)");
    private static Path script;

    @BeforeAll
    static void installProduct() throws Exception {
        Assumptions.assumeTrue(NetLab.available(), "network namespaces need root");
        script = HeadlessPeersTest.install("flood-product");
    }

    private static Process flood(NetLab lab, String host, int services, int seconds, Path log) throws IOException {
        Path flooder = Path.of(System.getProperty("lanspread.test.scripts", "scripts"), "mdns_flood.py");
        return new ProcessBuilder(lab.in(host, "/usr/bin/python3", flooder.toString(), lab.address(host),
                Integer.toString(services), Integer.toString(seconds))).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    private static Instant stamp(String line) {
        Matcher m = STAMP.matcher(line);
        assertTrue(m.find(), "no time stamp in: " + line);
        return Instant.parse(m.group(1));
    }

    private static Instant since(String line) {
        Matcher m = SINCE.matcher(line);
        assertTrue(m.find(), "no 'running since' in: " + line);
        return Instant.parse(m.group(1));
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void aThousandFakeMdnsServicesNeitherGrowThePeerNorHideARealOne() throws Exception {
        Path root = HeadlessPeersTest.root("mdns-flood");
        try (NetLab lab = NetLab.lan("seed", "newcomer", "flooder")) {
            HeadlessPeer seed = new HeadlessPeer(script, root, "seed", 47800, "").on(lab, "seed");
            HeadlessPeersTest.game(seed.games, "quake3", "20240315", 24 * MIB + 17, 11);
            HeadlessPeer newcomer = new HeadlessPeer(script, root, "newcomer", 47800, "").on(lab, "newcomer");
            Process flood = null;
            try {
                seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
                try (ProcessSampler sampler = new ProcessSampler(seed.pid())) {
                    Thread.sleep(8000); // settled: the runtime's services and pools have started
                    sampler.phase("flood");
                    Path floodLog = root.resolve("flood.log");
                    flood = flood(lab, "flooder", 1000, 30, floodLog); // ~5 s to register, then held 30 s
                    long floodStart = System.nanoTime();
                    Thread.sleep(12_000); // the 1,000 services are announced by now (~5 s)

                    // A real peer arrives in the middle of the flood: it is found and downloads byte-exact.
                    newcomer.start(List.of(), "download", "quake3", "--wait", "30");
                    String waiting = newcomer.awaitLine("Z waiting up to ", 60);
                    assertEquals(0, newcomer.await(120), newcomer.output());
                    Instant newcomerRunning = since(waiting);
                    Instant seenBySeed = stamp(seed.awaitLine("Z peer joined: newcomer ", 5));
                    Instant seedFound = stamp(newcomer.awaitLine("Z 1 peer\\(s\\) offer quake3", 1));
                    HeadlessPeersTest.assertSameDownload(seed.games.resolve("quake3"), newcomer.games.resolve("quake3"));

                    long left = TimeUnit.SECONDS.toMillis(37) - (System.nanoTime() - floodStart) / 1_000_000;
                    Thread.sleep(Math.max(0, left));
                    assertTrue(flood.waitFor(30, TimeUnit.SECONDS), "the flood ended");
                    String floodOut = Files.readString(floodLog);
                    assertTrue(floodOut.contains("1000 services registered"), floodOut);
                    sampler.phase("after");
                    Thread.sleep(10_000);

                    List<ProcessSampler.Sample> idle = sampler.during("idle");
                    List<ProcessSampler.Sample> flooded = sampler.during("flood");
                    List<ProcessSampler.Sample> after = sampler.during("after");
                    double seenAfter = Duration.between(newcomerRunning, seenBySeed).toMillis() / 1000.0;
                    double foundAfter = Duration.between(newcomerRunning, seedFound).toMillis() / 1000.0;
                    System.out.printf(Locale.ROOT, "[flood] 1,000 fake mDNS services held 30 s (%s); the seed, sampled"
                            + " each second:%n%s[flood] a newcomer started 12 s into the flood: seen by the seed %.2f s,"
                            + " found the seed %.2f s after its runtime started; downloaded 24 MiB byte-exact%n",
                            floodOut.lines().findFirst().orElse("?"), sampler.summary(), seenAfter, foundAfter);
                    int idleThreads = ProcessSampler.maxSteadyThreads(idle);
                    assertTrue(ProcessSampler.maxThreads(flooded) <= THREAD_BOUND, "threads under the flood: "
                            + ProcessSampler.maxThreads(flooded) + ", bound " + THREAD_BOUND + "\n" + sampler.summary());
                    assertTrue(ProcessSampler.maxRssKib(flooded) / 1024 <= ProcessSampler.maxRssKib(idle) / 1024
                            + RSS_MARGIN_MIB, "RSS under the flood\n" + sampler.summary());
                    assertTrue(seenAfter <= 5.0, "the seed saw the newcomer " + seenAfter + " s after it started");
                    assertTrue(foundAfter <= 5.0, "the newcomer found the seed " + foundAfter + " s after it started");
                    ProcessSampler.Sample last = after.get(after.size() - 1);
                    // Back to the idle level; two threads of pools that start on first use (e.g. the JDK's common
                    // pool, which the download's futures may start) are not the LAN's doing.
                    List<String> extra = new java.util.ArrayList<>(last.steadyNames());
                    idle.get(idle.size() - 1).steadyNames().forEach(extra::remove);
                    assertTrue(last.steadyThreads() <= idleThreads + 2, "steady threads after the flood: "
                            + last.steadyThreads() + ", idle: " + idleThreads + "; new: " + extra + "\n"
                            + sampler.summary());
                    assertTrue(ProcessSampler.maxRssKib(after) - after.get(0).rssKib() <= 16 * 1024,
                            "RSS still growing after the flood\n" + sampler.summary());
                }
            } finally {
                if (flood != null) {
                    flood.destroyForcibly();
                }
                newcomer.close();
                seed.close();
            }
        }
    }

    @Test
    @Execution(ExecutionMode.SAME_THREAD)
    void twoHundredFiftySixDeadManualPeersNeitherGrowThePeerNorHideARealOne() throws Exception {
        Path root = HeadlessPeersTest.root("manual-flood");
        try (NetLab lab = NetLab.lan("seed", "newcomer", "flooder")) {
            // Every listed address but the newcomer's is in the flooder's namespace, where nothing listens.
            StringBuilder manual = new StringBuilder();
            for (int i = 0; i < 255; i++) {
                manual.append(lab.address("flooder")).append(':').append(30000 + i).append(',');
            }
            manual.append(lab.address("newcomer")).append(":47800");
            HeadlessPeer seed = new HeadlessPeer(script, root, "seed", 47800,
                    "-Dlanspread.discovery=false -Dlanspread.peers.manual=" + manual).on(lab, "seed");
            HeadlessPeersTest.game(seed.games, "doom", "1.9", 12 * MIB + 5, 12);
            HeadlessPeer newcomer = new HeadlessPeer(script, root, "newcomer", 47800, "-Dlanspread.discovery=false"
                    + " -Dlanspread.peers.manual=" + lab.address("seed") + ":47800").on(lab, "newcomer");
            HeadlessPeer tooMany = new HeadlessPeer(script, root, "too-many", 47801,
                    "-Dlanspread.discovery=false -Dlanspread.peers.manual=" + manual + "," + lab.address("seed")
                            + ":47801").on(lab, "newcomer");
            try {
                seed.start(List.of(), "serve").awaitLine("Z serving ", 60);
                try (ProcessSampler sampler = new ProcessSampler(seed.pid())) {
                    sampler.phase("probing 255 dead");
                    Thread.sleep(20_000);
                    newcomer.start(List.of(), "download", "doom", "--wait", "30");
                    String waiting = newcomer.awaitLine("Z waiting up to ", 60);
                    assertEquals(0, newcomer.await(120), newcomer.output());
                    Instant seenBySeed = stamp(seed.awaitLine("Z peer joined: newcomer ", 5));
                    double seenAfter = Duration.between(since(waiting), seenBySeed).toMillis() / 1000.0;
                    HeadlessPeersTest.assertSameDownload(seed.games.resolve("doom"), newcomer.games.resolve("doom"));
                    sampler.phase("after");
                    Thread.sleep(10_000);

                    // A list longer than the bound is refused, naming the setting.
                    tooMany.start(List.of(), "peers", "--wait", "1");
                    int code = tooMany.await(60);
                    String refusal = tooMany.output();

                    List<ProcessSampler.Sample> probing = sampler.during("probing 255 dead");
                    System.out.printf(Locale.ROOT, "[flood] 255 unreachable manual peers; the seed, sampled each"
                            + " second:%n%s[flood] a listed newcomer was seen by the seed %.2f s after its runtime"
                            + " started; downloaded 12 MiB byte-exact%n", sampler.summary(), seenAfter);
                    assertTrue(ProcessSampler.maxThreads(probing) <= THREAD_BOUND, sampler.summary());
                    assertTrue(ProcessSampler.maxRssKib(sampler.during("after")) / 1024 <= ProcessSampler.maxRssKib(
                            probing.subList(0, 1)) / 1024 + RSS_MARGIN_MIB, sampler.summary());
                    assertTrue(seenAfter <= 5.0, "the seed saw the newcomer " + seenAfter + " s after it started");
                    assertTrue(code != 0 && refusal.contains("lanspread.peers.manual lists 257 peers; at most 256"),
                            "exit " + code + ":\n" + refusal);
                }
            } finally {
                tooMany.close();
                newcomer.close();
                seed.close();
            }
        }
    }
}
