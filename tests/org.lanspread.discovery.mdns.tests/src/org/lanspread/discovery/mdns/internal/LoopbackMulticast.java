package org.lanspread.discovery.mdns.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Enables multicast on the loopback interface for mDNS tests (the MULTICAST flag and a 224.0.0.0/4 route), and
 * puts back exactly what it changed. Needs root (the test command runs as root).
 */
final class LoopbackMulticast implements AutoCloseable {

    private boolean flagChanged;
    private boolean routeAdded;

    static LoopbackMulticast enable() throws IOException, InterruptedException {
        LoopbackMulticast multicast = new LoopbackMulticast();
        if (!ip("-o", "link", "show", "lo").contains("MULTICAST")) {
            ip("link", "set", "lo", "multicast", "on");
            multicast.flagChanged = true;
        }
        if (!ip("route", "show", "224.0.0.0/4").contains("dev lo")) {
            ip("route", "add", "224.0.0.0/4", "dev", "lo");
            multicast.routeAdded = true;
        }
        return multicast;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (routeAdded) {
            ip("route", "del", "224.0.0.0/4", "dev", "lo");
        }
        if (flagChanged) {
            ip("link", "set", "lo", "multicast", "off");
        }
    }

    private static String ip(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed (root needed): " + out);
        }
        return out;
    }
}
