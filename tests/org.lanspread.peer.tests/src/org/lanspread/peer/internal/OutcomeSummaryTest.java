package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;

/** The summaries a player reads when an operation ends. */
class OutcomeSummaryTest {

    private static final long MIB = 1024 * 1024;

    private static String summary(OperationKind kind, Result result, String version, String message, long bytes,
            long seconds, List<String> peers) {
        return OutcomeSummary.of(new OperationOutcome("doom", kind, result, version, message), "Doom", bytes,
                Duration.ofSeconds(seconds), peers);
    }

    @Test
    void eachEndReadsAsASentence() {
        assertEquals("Doom 1.9 is installed — 16 MiB in 4 s from demo-seed", summary(OperationKind.INSTALL,
                Result.COMPLETED, "1.9", "doom 1.9 downloaded (16777491 bytes, …); doom 1.9 installed", 16 * MIB + 275,
                4, List.of("demo-seed")));
        assertEquals("Doom 1.9 is installed — 2.5 MiB in 1 s", summary(OperationKind.INSTALL, Result.COMPLETED,
                "1.9", "installed", 5 * MIB / 2, 0, List.of()));
        assertEquals("Doom 1.9 is downloaded — 1.2 GiB in 2 min 5 s from a, b and c", summary(
                OperationKind.DOWNLOAD, Result.COMPLETED, "1.9", "…", 1229 * MIB, 125, List.of("a", "b", "c")));
        assertEquals("Doom 1.9 is downloaded — 300 KiB in 1 h 2 min from 5 peers", summary(OperationKind.DOWNLOAD,
                Result.COMPLETED, "1.9", "…", 300 * 1024, 3720, List.of("a", "b", "c", "d", "e")));
        assertEquals("Doom is updated to 2.0 — 20 MiB in 7 s from seed", summary(OperationKind.UPDATE,
                Result.COMPLETED, "2.0", "…", 20 * MIB, 7, List.of("seed")));
        assertEquals("Doom is uninstalled", summary(OperationKind.UNINSTALL, Result.COMPLETED, "1.9", "…", 0, 1,
                List.of()));
        assertEquals("Doom is deleted — 12 MiB freed", summary(OperationKind.DELETE, Result.COMPLETED, "1.9", "…",
                12 * MIB, 0, List.of()));
        assertEquals("Doom: download cancelled; it resumes where it stopped", summary(OperationKind.DOWNLOAD,
                Result.CANCELLED, "1.9", "download of doom cancelled; verified chunks are kept for resuming", 0, 3,
                List.of()));
        assertEquals("Doom 1.9: every peer that had it left; the download resumes when one is back", summary(
                OperationKind.DOWNLOAD, Result.ALL_PEERS_GONE, "1.9", "…", 0, 3, List.of()));
        assertEquals("Doom: install failed — doom.part2.rar is missing", summary(OperationKind.INSTALL,
                Result.FAILED, "1.9", "doom.part2.rar is missing", 0, 3, List.of()));
    }
}
