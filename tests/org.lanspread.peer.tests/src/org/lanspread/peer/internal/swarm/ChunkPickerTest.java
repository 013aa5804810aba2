package org.lanspread.peer.internal.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.PeerId;

/** The chunk picker on its own: rarest first, the seed's chunks nobody else has, and idle workers that sleep. */
class ChunkPickerTest {

    private static final PeerId SEED = new PeerId("aa".repeat(32));
    private static final PeerId PARTIAL = new PeerId("bb".repeat(32));

    /** One file of {@code chunks} 4 MiB chunks. */
    private static GameManifest manifest(int chunks) {
        List<String> hashes = new ArrayList<>();
        for (int i = 0; i < chunks; i++) {
            hashes.add(String.format("%064x", i));
        }
        return new GameManifest("quake3", "1", GameManifest.DEFAULT_CHUNK_SIZE, List.of(new GameManifest.ManifestFile(
                "quake3.rar", (long) chunks * GameManifest.DEFAULT_CHUNK_SIZE, hashes)));
    }

    private static List<ChunkPicker.Chunk> missing(GameManifest manifest) {
        List<ChunkPicker.Chunk> chunks = new ArrayList<>();
        List<String> hashes = manifest.files().get(0).chunks();
        for (int i = 0; i < hashes.size(); i++) {
            chunks.add(new ChunkPicker.Chunk(0, i, (long) i * manifest.chunkSize(), manifest.chunkSize(), hashes.get(i)));
        }
        return chunks;
    }

    @Test
    void theSeedSendsWhatNoDownloaderHasAndADownloaderServesOnlyWhatItHolds() {
        GameManifest manifest = manifest(2);
        BitSet held = new BitSet();
        held.set(0);
        SwarmView view = new SwarmView(manifest, Set.of(SEED), Map.of(PARTIAL, List.of(held)));
        for (int round = 0; round < 20; round++) { // random among equals: never the chunk a downloader has
            ChunkPicker picker = new ChunkPicker(missing(manifest), view);
            assertEquals(1, picker.next(SEED, true).index(), "the seed is asked for the chunk no downloader has");
            assertEquals(0, picker.next(PARTIAL, true).index(), "the downloader for the one it holds");
            assertNull(picker.next(PARTIAL, true), "and for nothing it does not hold");
        }
    }

    @Test
    void anIdleWorkerSleepsUntilAChunkComesBackAndIsGivenItAtOnce() throws Exception {
        GameManifest manifest = manifest(1);
        ChunkPicker picker = new ChunkPicker(missing(manifest), SwarmView.complete(manifest, Set.of(SEED, PARTIAL)));
        ChunkPicker.Chunk taken = picker.next(SEED, true);
        assertNotNull(taken);
        long started = System.nanoTime();
        CompletableFuture<ChunkPicker.Chunk> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return picker.nextOrWait(PARTIAL, true, 30_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(300);
        assertTrue(!waiting.isDone(), "nothing to give: the worker waits");
        picker.release(taken); // the seed's fetch failed: the chunk is pending again
        ChunkPicker.Chunk given = waiting.get(10, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        assertEquals(taken, given);
        assertTrue(seconds < 10, "woken by the release, not by its 30 s limit: " + seconds + " s");
    }

    @Test
    void downloadersStartingTogetherAskTheSeedForDifferentChunks() throws InterruptedException {
        GameManifest manifest = manifest(16);
        List<PeerId> downloaders = List.of(new PeerId("10".repeat(32)), new PeerId("20".repeat(32)),
                new PeerId("30".repeat(32)), new PeerId("40".repeat(32)));
        List<ChunkPicker> pickers = new ArrayList<>();
        for (PeerId self : downloaders) { // each sees the seed and the other three, holding nothing yet
            Map<PeerId, List<BitSet>> others = new java.util.HashMap<>();
            downloaders.stream().filter(p -> !p.equals(self)).forEach(p -> others.put(p, List.of(new BitSet())));
            pickers.add(new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), others), self));
        }
        Set<Integer> asked = new java.util.HashSet<>();
        for (int round = 0; round < 4; round++) {
            for (ChunkPicker picker : pickers) {
                ChunkPicker.Chunk chunk = picker.next(SEED, true);
                assertTrue(asked.add(chunk.index()), "chunk " + chunk.index() + " asked of the seed twice; before: "
                        + asked);
                assertTrue(picker.claim(chunk));
                picker.done(chunk);
            }
        }
        assertEquals(16, asked.size(), "the seed sent each chunk once");
        // With its stripe done, a downloader asks the seed for nothing while the other stripe's owner fetches it
        // (a second copy would take the seed's uplink from a chunk nobody has yet), and takes what that owner holds
        // from the owner. Only an owner that has been slow for a while is helped, from its stripe's far end.
        BitSet ownerHolds = new BitSet();
        ownerHolds.set(1);
        ChunkPicker alone = new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), Map.of(
                downloaders.get(1), List.of(ownerHolds))), downloaders.get(0));
        alone.helpAfterNanos = 300_000_000L;
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            ChunkPicker.Chunk chunk = alone.next(SEED, true);
            order.add(chunk.index());
            alone.claim(chunk);
            alone.done(chunk);
        }
        assertEquals(List.of(0, 2, 4, 6, 8, 10, 12, 14), order);
        assertNull(alone.next(SEED, true), "nothing of its own left: the seed is not asked for the owner's chunks");
        assertEquals(1, alone.next(downloaders.get(1), true).index(), "the owner's chunk, from the owner");
        Thread.sleep(400);
        order.clear();
        for (int i = 0; i < 6; i++) {
            ChunkPicker.Chunk chunk = alone.next(SEED, true);
            order.add(chunk.index());
            alone.claim(chunk);
            alone.done(chunk);
        }
        assertEquals(List.of(15, 13, 11, 9, 7, 5), order);
    }

    @Test
    void helpersOfASlowStripeAskTheSeedOneAfterTheOtherInTheOrderOfTheirStripes() throws InterruptedException {
        GameManifest manifest = manifest(9);
        PeerId self = new PeerId("10".repeat(32));
        Map<PeerId, List<BitSet>> others = Map.of(new PeerId("20".repeat(32)), List.of(new BitSet()),
                new PeerId("30".repeat(32)), List.of(new BitSet()));
        ChunkPicker picker = new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), others), self);
        picker.helpAfterNanos = 300_000_000L;
        picker.helpStepNanos = 1_500_000_000L;
        List<Integer> order = new ArrayList<>();
        for (ChunkPicker.Chunk chunk = picker.next(SEED, true); chunk != null; chunk = picker.next(SEED, true)) {
            order.add(chunk.index());
            picker.claim(chunk);
            picker.done(chunk);
        }
        assertEquals(List.of(0, 3, 6), order, "its own stripe (rank 0 of 3), then nothing at first");
        Thread.sleep(500);
        order.clear();
        for (ChunkPicker.Chunk chunk = picker.next(SEED, true); chunk != null; chunk = picker.next(SEED, true)) {
            order.add(chunk.index());
            picker.claim(chunk);
            picker.done(chunk);
        }
        // Rank 0 helps the stripe just before its own (rank 2's: chunks 2, 5, 8) first, from the far end; rank 1's
        // stripe is helped by rank 2 first, so rank 0 waits one step more for it.
        assertEquals(List.of(8, 5, 2), order);
        Thread.sleep(1500);
        assertEquals(7, picker.next(SEED, true).index(), "one step later: the next stripe");
    }
}
