package org.lanspread.headless.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.lanspread.api.runtime.PeerDownload;
import org.lanspread.api.runtime.PeerSummary;

/**
 * What {@code serve} prints about the peers while data moves: every 2 s, one line per peer that sends or receives
 * game data or downloads something, with its downloads' progress and the rates to and from it.
 */
final class PeerActivity {

    static final long INTERVAL_NANOS = 2_000_000_000L;
    private long last = System.nanoTime() - INTERVAL_NANOS;

    /** The lines to print now: none until the interval has passed since the last ones. */
    List<String> lines(List<PeerSummary> peers, long nanoTime) {
        if (nanoTime - last < INTERVAL_NANOS) {
            return List.of();
        }
        List<String> lines = new ArrayList<>();
        for (PeerSummary peer : peers) {
            if (peer.downloading().isEmpty() && peer.downBytesPerSecond() == 0 && peer.upBytesPerSecond() == 0) {
                continue;
            }
            lines.add(line(peer));
        }
        if (!lines.isEmpty()) {
            last = nanoTime;
        }
        return lines;
    }

    /** "peer NAME (id): downloading quake3 1.0 45% (46/103 chunks); from it 4.2 MiB/s, to it 3.1 MiB/s". */
    static String line(PeerSummary peer) {
        StringBuilder text = new StringBuilder("peer ").append(peer.name()).append(" (")
                .append(peer.id().shortForm()).append("): ");
        for (PeerDownload d : peer.downloading()) {
            text.append("downloading ").append(d.gameId()).append(' ').append(d.version()).append(' ');
            if (d.fraction() >= 0) {
                text.append(String.format(Locale.ROOT, "%.0f%% (%d/%d chunks)", d.fraction() * 100, d.chunksHeld(),
                        d.chunksTotal()));
            } else {
                text.append(d.chunksHeld()).append(" chunks");
            }
            text.append("; ");
        }
        return text.append(String.format(Locale.ROOT, "from it %.1f MiB/s, to it %.1f MiB/s",
                peer.downBytesPerSecond() / 1048576.0, peer.upBytesPerSecond() / 1048576.0)).toString();
    }
}
