package org.lanspread.product.tests;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A switched LAN made of network namespaces: one namespace holding a Linux bridge, and one namespace per host with a
 * veth port on that bridge and an address in 10.214.0.0/24 (the first host .1, the next .2 ...). Nothing is routed
 * anywhere else: the namespaces have no default route. {@link #close} removes everything, and so does a new lab (a
 * run that was killed leaves nothing behind for long). Needs root.
 */
final class NetLab implements AutoCloseable {

    private static final String PREFIX = "lsf";
    /** The {@code @ResourceLock} of the tests that make a lab: one lab at a time (the namespace names are fixed). */
    static final String LOCK = "netlab";

    private final Map<String, String> addresses = new LinkedHashMap<>();
    private final List<String> namespaces = new ArrayList<>();

    /** A LAN with the given hosts. */
    static NetLab lan(String... hosts) throws IOException, InterruptedException {
        removeStale();
        NetLab lab = new NetLab();
        try {
            String bridge = lab.namespace("lan");
            sh("ip", "-n", bridge, "link", "add", "br0", "type", "bridge");
            sh("ip", "-n", bridge, "link", "set", "br0", "up");
            int host = 1;
            for (String name : hosts) {
                String ns = lab.namespace(name);
                String address = "10.214.0." + host++;
                sh("ip", "link", "add", PREFIX + name, "netns", ns, "type", "veth", "peer", "name", "port" + name,
                        "netns", bridge);
                sh("ip", "-n", bridge, "link", "set", "port" + name, "master", "br0");
                sh("ip", "-n", bridge, "link", "set", "port" + name, "up");
                sh("ip", "-n", ns, "addr", "add", address + "/24", "dev", PREFIX + name);
                sh("ip", "-n", ns, "link", "set", PREFIX + name, "up", "multicast", "on");
                lab.addresses.put(name, address);
            }
            return lab;
        } catch (IOException | InterruptedException | RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    static boolean available() {
        try {
            return "0".equals(new String(new ProcessBuilder("id", "-u").start().getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8).strip());
        } catch (IOException e) {
            return false;
        }
    }

    private String namespace(String name) throws IOException, InterruptedException {
        String ns = ns(name);
        sh("ip", "netns", "add", ns);
        namespaces.add(ns);
        sh("ip", "-n", ns, "link", "set", "lo", "up");
        return ns;
    }

    /** The namespace of a host. */
    static String ns(String host) {
        return PREFIX + "-" + host;
    }

    /**
     * Shapes a host's port to {@code rate} (tc's notation, e.g. "16mbit") in both directions: a token bucket on its
     * own end and on the bridge's end, a burst of 64 KiB (one batch of packets), at most 20 ms queued.
     */
    void shape(String host, String rate) throws IOException, InterruptedException {
        for (String[] end : new String[][] { { ns(host), PREFIX + host }, { ns("lan"), "port" + host } }) {
            sh("tc", "-n", end[0], "qdisc", "add", "dev", end[1], "root", "tbf", "rate", rate, "burst", "65536",
                    "latency", "20ms");
        }
    }

    /** The address of a host. */
    String address(String host) {
        return addresses.get(host);
    }

    /** The command line that runs {@code command} in the host's namespace. */
    List<String> in(String host, String... command) {
        List<String> line = new ArrayList<>(List.of("ip", "netns", "exec", ns(host)));
        line.addAll(List.of(command));
        return line;
    }

    private static void removeStale() throws IOException, InterruptedException {
        Process list = new ProcessBuilder("ip", "netns", "list").start();
        String out = new String(list.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        list.waitFor();
        for (String line : out.lines().toList()) {
            String ns = line.split(" ")[0];
            if (ns.startsWith(PREFIX + "-")) {
                new ProcessBuilder("ip", "netns", "del", ns).start().waitFor();
            }
        }
    }

    static String sh(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            new ProcessBuilder("ip", "netns", "del", namespaces.get(i)).start().waitFor();
        }
        namespaces.clear();
    }
}
