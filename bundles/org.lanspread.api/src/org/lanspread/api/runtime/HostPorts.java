package org.lanspread.api.runtime;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

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

    /** The {@code host:port} text {@link #parse} reads back ({@code [::1]:5000} for IPv6 literals). */
    public static String format(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** A comma-separated list of {@code host:port}; blank or null: none. */
    public static List<InetSocketAddress> parseList(String property, String value, int minPort) {
        List<InetSocketAddress> result = new ArrayList<>();
        if (value != null && !value.isBlank()) {
            for (String part : value.split(",")) {
                result.add(parse(property, part, minPort));
            }
        }
        return result;
    }

    /** A comma-separated list of IPv4 addresses in dotted form; blank or null: none. */
    public static List<InetAddress> parseIpv4List(String property, String value) {
        List<InetAddress> result = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return result;
        }
        for (String part : value.split(",")) {
            String text = part.strip();
            String[] octets = text.split("\\.", -1);
            byte[] bytes = new byte[4];
            boolean valid = octets.length == 4;
            for (int i = 0; valid && i < 4; i++) {
                valid = octets[i].matches("\\d{1,3}") && Integer.parseInt(octets[i]) <= 255;
                bytes[i] = valid ? (byte) Integer.parseInt(octets[i]) : 0;
            }
            if (!valid) {
                throw new IllegalArgumentException(property + ": '" + text + "' is not an IPv4 address");
            }
            try {
                result.add(InetAddress.getByAddress(bytes)); // no name lookup
            } catch (UnknownHostException e) {
                throw new IllegalStateException("four bytes are always an IPv4 address", e);
            }
        }
        return result;
    }
}
