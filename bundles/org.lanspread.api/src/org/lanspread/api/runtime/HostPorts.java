package org.lanspread.api.runtime;

import java.net.InetSocketAddress;

/** Reads {@code host:port} settings ({@code [::1]:5000} for IPv6) with errors that name the setting. */
public final class HostPorts {

    private HostPorts() {
    }

    /**
     * @param property the setting's name, for messages
     * @param value    {@code host:port}
     * @param minPort  the lowest port allowed (0 where "any free port" makes sense)
     */
    public static InetSocketAddress parse(String property, String value, int minPort) {
        String entry = value.strip();
        int colon = entry.lastIndexOf(':');
        int port;
        try {
            port = colon > 0 ? Integer.parseInt(entry.substring(colon + 1)) : Integer.MIN_VALUE;
        } catch (NumberFormatException e) {
            port = Integer.MIN_VALUE;
        }
        if (port == Integer.MIN_VALUE) {
            throw new IllegalArgumentException(property + ": '" + entry + "' is not host:port");
        }
        if (port < minPort || port > 65535) {
            throw new IllegalArgumentException(property + ": port " + port + " is out of range");
        }
        return new InetSocketAddress(entry.substring(0, colon).replace("[", "").replace("]", ""), port);
    }
}
