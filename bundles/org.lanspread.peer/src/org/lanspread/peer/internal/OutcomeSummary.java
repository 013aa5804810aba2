package org.lanspread.peer.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.lanspread.api.runtime.OperationOutcome;

/**
 * What a player reads when an operation ends, at a glance: "Doom 1.9 is installed — 16 MiB in 4 s from demo-seed".
 * The game's name comes from the catalog; the detailed figures stay in the outcome's message (log, Details).
 */
final class OutcomeSummary {

    private OutcomeSummary() {
    }

    /**
     * @param name  the game's display name
     * @param bytes the game's size (its archives), or 0 when not known
     * @param took  how long the operation ran
     * @param peers the names of the peers the game came from (empty when nothing was downloaded)
     */
    static String of(OperationOutcome outcome, String name, long bytes, Duration took, List<String> peers) {
        String game = name + (outcome.version() == null ? "" : " " + outcome.version());
        String kind = outcome.kind().name().toLowerCase(Locale.ROOT);
        return switch (outcome.result()) {
            case COMPLETED -> switch (outcome.kind()) {
                case DOWNLOAD -> game + " is downloaded" + figures(bytes, took, peers);
                case INSTALL -> game + " is installed" + figures(bytes, took, peers);
                case UPDATE -> name + " is updated" + (outcome.version() == null ? "" : " to " + outcome.version())
                        + figures(bytes, took, peers);
                case UNINSTALL -> name + " is uninstalled";
                case DELETE -> name + " is deleted" + (bytes > 0 ? " — " + size(bytes) + " freed" : "");
                case VERIFY -> game + " is intact — every chunk checked" + (bytes > 0 ? ", " + size(bytes) : "")
                        + " in " + duration(took);
                case REPAIR -> game + " is repaired" + (outcome.message().contains("; ") ? " — " + outcome.message()
                        .substring(outcome.message().indexOf("; ") + 2).replaceFirst(" \\[.*\\]$", "") : "");
            };
            case NOTHING_TO_DO -> name + ": nothing to do (" + outcome.message() + ")";
            case CANCELLED -> name + ": " + kind + " cancelled"
                    + (outcome.message().contains("verified chunks are kept") ? "; it resumes where it stopped" : "");
            case ALL_PEERS_GONE -> game + ": every peer that had it left; the download resumes when one is back";
            case FAILED -> outcome.kind() == org.lanspread.api.games.OperationKind.VERIFY
                    ? game + " needs repair — " + outcome.message().replaceFirst("; needs repair$", "")
                    : name + ": " + kind + " failed — " + outcome.message();
        };
    }

    private static String figures(long bytes, Duration took, List<String> peers) {
        StringBuilder out = new StringBuilder(" —");
        if (bytes > 0) {
            out.append(' ').append(size(bytes));
        }
        out.append(" in ").append(duration(took));
        if (!peers.isEmpty()) {
            out.append(" from ").append(peers.size() <= 3 ? and(peers) : peers.size() + " peers");
        }
        return out.toString();
    }

    static String size(long bytes) {
        if (bytes < 1024 * 1024) {
            return Math.max(1, bytes / 1024) + " KiB";
        }
        double mib = bytes / (1024.0 * 1024);
        return mib < 1024 ? String.format(Locale.ROOT, mib < 10 ? "%.1f MiB" : "%.0f MiB", mib)
                : String.format(Locale.ROOT, "%.1f GiB", mib / 1024);
    }

    static String duration(Duration took) {
        long seconds = Math.max(1, Math.round(took.toMillis() / 1000.0));
        return seconds < 60 ? seconds + " s" : seconds < 3600 ? (seconds / 60) + " min " + (seconds % 60) + " s"
                : (seconds / 3600) + " h " + (seconds % 3600 / 60) + " min";
    }

    private static String and(List<String> names) {
        return names.size() == 1 ? names.get(0)
                : String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }
}
