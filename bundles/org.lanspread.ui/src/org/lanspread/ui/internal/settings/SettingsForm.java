package org.lanspread.ui.internal.settings;

import java.net.InetSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.transport.UploadLimits;

/**
 * What the preferences dialog's fields say, read into {@link PeerSettings} with a message that names the field for
 * anything it cannot read. The runtime checks the rest (e.g. that the directory is writable) when it applies them.
 */
final class SettingsForm {

    /** A field the form cannot read; the message names it. */
    static final class Invalid extends Exception {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    private SettingsForm() {
    }

    static PeerSettings read(String gameDirectory, String totalCap, String perPeerCap, String concurrent,
            String extractor, String manualPeers) throws Invalid {
        if (gameDirectory == null || gameDirectory.isBlank()) {
            throw new Invalid("Game directory: choose a folder for your games");
        }
        Path directory;
        try {
            directory = Path.of(gameDirectory.strip());
        } catch (InvalidPathException e) {
            throw new Invalid("Game directory: '" + gameDirectory.strip() + "' is not a valid path");
        }
        if (!directory.isAbsolute()) {
            throw new Invalid("Game directory: '" + gameDirectory.strip() + "' is not an absolute path");
        }
        UploadLimits limits = new UploadLimits(rate("Upload cap (all peers)", totalCap),
                rate("Upload cap (each peer)", perPeerCap), count("Uploads at once", concurrent));
        List<InetSocketAddress> peers = new ArrayList<>();
        for (String line : manualPeers == null ? new String[0] : manualPeers.split("[,\\n]")) {
            if (!line.isBlank()) {
                try {
                    peers.add(HostPorts.parse("Manual peers", line, 1));
                } catch (IllegalArgumentException e) {
                    throw new Invalid(e.getMessage() + " (write host:port, one per line)");
                }
            }
        }
        return new PeerSettings(directory, limits, extractor, peers, true);
    }

    /** Bytes per second: digits with an optional K, M or G (powers of 1024); blank or 0: unlimited. */
    static long rate(String field, String value) throws Invalid {
        if (value == null || value.isBlank()) {
            return 0;
        }
        String text = value.strip().toUpperCase(Locale.ROOT);
        long unit = 1;
        char last = text.charAt(text.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            unit = last == 'K' ? 1L << 10 : last == 'M' ? 1L << 20 : 1L << 30;
            text = text.substring(0, text.length() - 1).strip();
        }
        if (!text.matches("\\d{1,9}")) {
            throw new Invalid(field + ": '" + value.strip() + "' is not a rate (bytes per second, e.g. 50M; "
                    + "0 or empty for unlimited)");
        }
        return Long.parseLong(text) * unit;
    }

    static int count(String field, String value) throws Invalid {
        if (value == null || value.isBlank()) {
            return 0;
        }
        if (!value.strip().matches("\\d{1,4}")) {
            throw new Invalid(field + ": '" + value.strip() + "' is not a number (0 or empty for no limit)");
        }
        return Integer.parseInt(value.strip());
    }

    /** A rate as the form shows it (the largest unit that divides it). */
    static String rateText(long bytesPerSecond) {
        if (bytesPerSecond <= 0) {
            return "";
        }
        for (String unit : List.of("G", "M", "K")) {
            long size = unit.equals("G") ? 1L << 30 : unit.equals("M") ? 1L << 20 : 1L << 10;
            if (bytesPerSecond % size == 0) {
                return bytesPerSecond / size + unit;
            }
        }
        return Long.toString(bytesPerSecond);
    }
}
