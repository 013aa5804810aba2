package org.lanspread.peer.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.lanspread.api.library.GameManifest;
import org.lanspread.peer.internal.swarm.ChunkPicker;

/** The download journal on a real disk: a line torn by a crash never marks a chunk it does not name. */
class DownloadStagingTest {

    private static final int CHUNK = 16;
    /** 13 files of 3 chunks: file numbers of two digits, so that a torn "1" glued to "2 1" would read "12 1". */
    private static final GameManifest MANIFEST = new GameManifest("doom", "1.9", CHUNK, java.util.stream.IntStream
            .range(0, 13).mapToObj(i -> new GameManifest.ManifestFile("doom.part" + i + ".rar", 3 * CHUNK,
                    List.of("a".repeat(64), "b".repeat(64), "c".repeat(64))))
            .toList());

    private static void write(DownloadStaging staging, int file, int chunk) throws Exception {
        staging.write(new ChunkPicker.Chunk(file, chunk, (long) chunk * CHUNK, CHUNK, "a".repeat(64)),
                ByteBuffer.allocate(CHUNK));
    }

    private static BitSet bits(int... set) {
        BitSet bits = new BitSet();
        for (int i : set) {
            bits.set(i);
        }
        return bits;
    }

    @Test
    void aJournalTornAtAnyByteOfItsLastLineResumesWithExactlyTheWholeLines(@TempDir Path dir) throws Exception {
        String whole = "0 0\n12 2\n";
        String last = "1 1\n";
        for (int cut = 0; cut < last.length(); cut++) {
            Path game = Files.createDirectories(dir.resolve("cut-" + cut));
            DownloadStaging first = DownloadStaging.open(game, MANIFEST);
            first.allocate();
            first.closeJournal();
            // The process died while appending "1 1\n": only its first `cut` bytes reached the disk.
            Files.writeString(DownloadStaging.dir(game).resolve("journal"), whole + last.substring(0, cut),
                    StandardCharsets.US_ASCII);
            DownloadStaging resumed = DownloadStaging.open(game, MANIFEST);
            List<BitSet> verified = resumed.verified();
            assertEquals(bits(0), verified.get(0), "cut at " + cut);
            assertEquals(bits(), verified.get(1), "the torn line's chunk is fetched again; cut at " + cut);
            assertEquals(bits(2), verified.get(12), "cut at " + cut);
            write(resumed, 2, 1); // the next chunk verified after the resume
            resumed.closeJournal();
            List<BitSet> after = DownloadStaging.open(game, MANIFEST).verified();
            for (int f = 0; f < MANIFEST.files().size(); f++) {
                BitSet expected = f == 0 ? bits(0) : f == 12 ? bits(2) : f == 2 ? bits(1) : bits();
                assertEquals(expected, after.get(f), "file " + f + " after a cut at " + cut + ": "
                        + Files.readString(DownloadStaging.dir(game).resolve("journal")));
            }
        }
    }

    @Test
    void linesThisJournalDoesNotWriteAreIgnoredNotThrown(@TempDir Path dir) throws Exception {
        DownloadStaging staging = DownloadStaging.open(dir, MANIFEST);
        staging.allocate();
        staging.closeJournal();
        Files.writeString(DownloadStaging.dir(dir).resolve("journal"),
                "99 0\n0 99\n-1 0\n+1 1\n1 1 1\n\0\0\0\n2147483648 0\n3 0\n", StandardCharsets.ISO_8859_1);
        List<BitSet> verified = DownloadStaging.open(dir, MANIFEST).verified();
        for (int f = 0; f < MANIFEST.files().size(); f++) {
            assertEquals(f == 3 ? bits(0) : bits(), verified.get(f), "file " + f);
        }
    }
}
