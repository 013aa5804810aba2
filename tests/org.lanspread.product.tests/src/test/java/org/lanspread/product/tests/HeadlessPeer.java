package org.lanspread.product.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A headless LanSpread peer: the installed product's start script run as {@code lanspread headless <command>}, on
 * loopback only (a fixed port, no mDNS, peers listed by hand), with its own game directory and data directory.
 */
final class HeadlessPeer implements AutoCloseable {

    private static final AtomicInteger RUNS = new AtomicInteger();

    final String name;
    final Path games;
    final Path data;
    final int port;
    private final Path script;
    private final String extraVmArgs;
    private Process process;
    private Path log;
    private final List<String> commands = new ArrayList<>();
    /** The namespace and address of a peer on a {@link NetLab} LAN (mDNS on), or null for loopback. */
    private NetLab lab;
    private String host;

    HeadlessPeer(Path script, Path root, String name, int port, String extraVmArgs) throws IOException {
        this.script = script;
        this.name = name;
        this.games = Files.createDirectories(root.resolve(name).resolve("games"));
        this.data = root.resolve(name).resolve("data");
        this.port = port;
        this.extraVmArgs = extraVmArgs;
    }

    /** Runs this peer on {@code lab}'s LAN as {@code host}: its own namespace and address, mDNS discovery on. */
    HeadlessPeer on(NetLab lab, String host) {
        this.lab = lab;
        this.host = host;
        return this;
    }

    static int freePort() throws IOException {
        try (var socket = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Starts {@code lanspread headless args...}, finding {@code seeds} by their addresses. */
    HeadlessPeer start(List<HeadlessPeer> seeds, String... args) throws IOException {
        List<String> command = new ArrayList<>(lab == null ? List.of(script.toString(), "headless")
                : lab.in(host, script.toString(), "headless"));
        command.addAll(List.of(args));
        log = data.resolveSibling("run-" + RUNS.incrementAndGet() + "-" + String.join("-", args).replace('/', '_')
                + ".log");
        Files.createDirectories(data);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        String manual = String.join(",", seeds.stream().map(s -> "127.0.0.1:" + s.port).toList());
        String network = lab == null ? "-Dlanspread.transport.bind=127.0.0.1:" + port + " -Dlanspread.discovery=false"
                : "-Dlanspread.transport.bind=" + lab.address(host) + ":" + port + " -Dlanspread.discovery.addresses="
                        + lab.address(host);
        String vmargs = network + " -Dlanspread.peer.name=" + name
                + (manual.isEmpty() ? "" : " -Dlanspread.peers.manual=" + manual) + " " + extraVmArgs;
        builder.environment().put("LANSPREAD_GAMES_DIR", games.toString());
        builder.environment().put("LANSPREAD_DATA", data.toString());
        builder.environment().put("LANSPREAD_VMARGS", vmargs);
        String printed = "LANSPREAD_VMARGS='" + vmargs + "' " + String.join(" ", command);
        commands.add(printed);
        System.out.println("[e2e] " + name + ": " + printed);
        process = builder.start();
        return this;
    }

    /** Waits for the command to end; returns its exit code. */
    int await(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(name + " did not finish within " + seconds + " s; output:\n" + output());
        }
        return process.exitValue();
    }

    String output() throws IOException {
        return log == null ? "" : Files.readString(log, StandardCharsets.UTF_8);
    }

    /** Waits until the output has a line matching {@code regex}; returns that line. */
    String awaitLine(String regex, long seconds) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < deadline) {
            for (String line : output().lines().toList()) {
                if (pattern.matcher(line).find()) {
                    return line;
                }
            }
            if (!process.isAlive()) {
                throw new AssertionError(name + " exited (" + process.exitValue() + ") before printing /" + regex
                        + "/; output:\n" + output());
            }
            Thread.sleep(50);
        }
        throw new AssertionError(name + " printed no line matching /" + regex + "/ within " + seconds
                + " s; output:\n" + output());
    }

    /** SIGTERM, as a service manager stops a peer; returns its exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(name + " did not end within 15 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** kill -9: no shutdown hook, no goodbye, files as they are. */
    void kill9() throws InterruptedException, IOException {
        long pid = process.pid();
        // The start script execs java, so the script's pid is the JVM's.
        new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start().waitFor();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** The JVM's process id (the start script and {@code ip netns exec} exec it). */
    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy(); // SIGTERM: the peer says goodbye
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
