package org.lanspread.peer.internal.swarm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
        picker.release(taken, SEED); // the seed's fetch failed: the chunk is pending again
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
        Map<PeerId, BitSet> holds = new java.util.HashMap<>();
        downloaders.forEach(p -> holds.put(p, new BitSet()));
        List<ChunkPicker> pickers = new ArrayList<>();
        for (PeerId self : downloaders) { // each sees the seed and the other three, holding nothing yet
            pickers.add(new ChunkPicker(missing(manifest), othersView(manifest, self, holds), self));
        }
        Set<Integer> asked = new java.util.HashSet<>();
        for (boolean any = true; any;) { // (once every chunk is held, the seed is one source among others)
            any = false;
            for (int k = 0; k < pickers.size() && asked.size() < 16; k++) {
                ChunkPicker picker = pickers.get(k);
                ChunkPicker.Chunk chunk = picker.next(SEED, true);
                if (chunk != null) {
                    assertTrue(asked.add(chunk.index()), "chunk " + chunk.index() + " asked of the seed twice; "
                            + "before: " + asked);
                    assertTrue(picker.claim(chunk, SEED));
                    picker.done(chunk);
                    holds.get(downloaders.get(k)).set(chunk.index());
                    for (int j = 0; j < pickers.size(); j++) { // the others hear of it (at once, here)
                        pickers.get(j).view(othersView(manifest, downloaders.get(j), holds));
                    }
                    any = true;
                }
            }
        }
        assertEquals(16, asked.size(), "the seed sent each chunk once");
        // With its stripe done, a downloader asks the seed for nothing while the other stripe's owner fetches it
        // (a second copy would take the seed's uplink from a chunk nobody has yet), and takes what that owner holds
        // from the owner. Only an owner that has been slow for a while is helped, from its stripe's far end.
        PeerId self = downloaders.get(0);
        PeerId owner = downloaders.get(1);
        List<ChunkPicker.Chunk> own = stripe(manifest, self, owner);
        List<ChunkPicker.Chunk> owners = stripe(manifest, owner, self);
        assertEquals(16, own.size() + owners.size(), "two downloaders share out every chunk: " + own + owners);
        BitSet ownerHolds = new BitSet();
        ownerHolds.set(owners.get(0).index());
        ChunkPicker alone = new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), Map.of(
                owner, List.of(ownerHolds))), self);
        alone.helpAfterNanos = 300_000_000L;
        List<ChunkPicker.Chunk> order = new ArrayList<>();
        for (int i = 0; i < own.size(); i++) {
            ChunkPicker.Chunk chunk = alone.next(SEED, true);
            order.add(chunk);
            alone.claim(chunk, SEED);
            alone.done(chunk);
        }
        assertEquals(own, order, "its own stripe, in its own order");
        // Then it helps the owner from the far end of the owner's order (the owner has one chunk, from there), as long
        // as two come before it: the one the owner fetches now and its next. The seed is not asked for those two.
        order.clear();
        for (ChunkPicker.Chunk chunk = alone.next(SEED, true); chunk != null; chunk = alone.next(SEED, true)) {
            order.add(chunk);
            alone.claim(chunk, SEED);
            alone.done(chunk);
        }
        int next = 1 + ChunkPicker.HELP_BEHIND; // owners: the owner's order; it holds the first
        assertEquals(owners.subList(next, owners.size()).reversed(), order,
                "the owner's stripe from its far end, but its next two");
        assertEquals(owners.get(0), alone.next(owner, true), "the owner's chunk, from the owner");
        Thread.sleep(400);
        order.clear();
        for (int i = 0; i < ChunkPicker.HELP_BEHIND; i++) {
            ChunkPicker.Chunk chunk = alone.next(SEED, true);
            order.add(chunk);
            alone.claim(chunk, SEED);
            alone.done(chunk);
        }
        assertEquals(owners.subList(1, next).reversed(), order, "the owner slow for a while: those two as well");
    }

    /** The seed, and every downloader but {@code self} with what it holds. */
    private static SwarmView othersView(GameManifest manifest, PeerId self, Map<PeerId, BitSet> holds) {
        Map<PeerId, List<BitSet>> others = new java.util.HashMap<>();
        holds.forEach((peer, bits) -> {
            if (!peer.equals(self)) {
                others.put(peer, List.of((BitSet) bits.clone()));
            }
        });
        return new SwarmView(manifest, Set.of(SEED), others);
    }

    /** The chunks {@code self} owns among itself and {@code others}, in the order it asks the seed for them. */
    private static List<ChunkPicker.Chunk> stripe(GameManifest manifest, PeerId self, PeerId... others) {
        ChunkPicker.Stripes stripes = ChunkPicker.Stripes.of(self, List.of(others));
        return missing(manifest).stream().filter(stripes::owns)
                .sorted(java.util.Comparator.comparingLong(stripes::order)).toList();
    }

    @Test
    void downloadersThatDoNotKnowEachOtherYetRarelyAskTheSeedForTheSameFirstChunk() {
        // All start at once, and their partial offers cross: downloader k has heard of downloaders 0..k-1 only.
        // Going through each stripe in ascending order made most first picks the same few low chunks (2.6 of 8
        // asked again on average); in an order of each peer's own they collide only by chance (0.4).
        GameManifest manifest = manifest(64);
        java.util.Random ids = new java.util.Random(16);
        int trials = 100;
        int again = 0;
        for (int trial = 0; trial < trials; trial++) {
            List<PeerId> downloaders = new ArrayList<>();
            for (int k = 0; k < 8; k++) {
                downloaders.add(new PeerId(String.format("%016x", ids.nextLong()).repeat(4)));
            }
            Set<Integer> first = new java.util.HashSet<>();
            for (int k = 0; k < 8; k++) {
                Map<PeerId, List<BitSet>> known = new java.util.HashMap<>();
                downloaders.subList(0, k).forEach(p -> known.put(p, List.of(new BitSet())));
                ChunkPicker picker = new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), known),
                        downloaders.get(k));
                if (!first.add(picker.next(SEED, true).index())) {
                    again++;
                }
            }
        }
        assertTrue(again <= trials, again + " first chunks asked of the seed again in " + trials + " starts of 8");
    }

    @Test
    void aDownloaderDoneWithItsStripeHelpsWithTheChunksItIsTheHelperOfAndLaterWithTheRest()
            throws InterruptedException {
        GameManifest manifest = manifest(30);
        PeerId self = new PeerId("10".repeat(32));
        PeerId second = new PeerId("20".repeat(32));
        PeerId third = new PeerId("30".repeat(32));
        Map<PeerId, List<BitSet>> others = Map.of(second, List.of(new BitSet()), third, List.of(new BitSet()));
        ChunkPicker picker = new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), others), self);
        picker.helpAfterNanos = 300_000_000L;
        picker.helpStepNanos = 1_500_000_000L;
        List<ChunkPicker.Chunk> order = new ArrayList<>();
        for (ChunkPicker.Chunk chunk = picker.next(SEED, true); chunk != null; chunk = picker.next(SEED, true)) {
            order.add(chunk);
            picker.claim(chunk, SEED);
            picker.done(chunk);
        }
        List<ChunkPicker.Chunk> own = stripe(manifest, self, second, third);
        assertEquals(own, order.subList(0, own.size()), "its own stripe first");
        // Then, at once, the others' chunks it is the helper of (each chunk has one: two helpers never ask the seed
        // for the same one), from the owners' far ends, but for each owner the two it fetches next.
        ChunkPicker.Stripes stripes = ChunkPicker.Stripes.of(self, List.of(second, third));
        List<ChunkPicker.Chunk> helped = new ArrayList<>();
        for (int distance = 1; distance <= 2; distance++) {
            int d = distance;
            List<ChunkPicker.Chunk> ownersOrder = missing(manifest).stream().filter(c -> stripes.distance(c) == d)
                    .sorted(java.util.Comparator.comparingLong(stripes::order).reversed()).toList();
            ownersOrder.stream().skip(ChunkPicker.HELP_BEHIND).filter(c -> stripes.helper(c) == d)
                    .forEach(helped::add);
        }
        helped.sort(java.util.Comparator.comparingLong(stripes::order));
        assertTrue(!helped.isEmpty());
        assertEquals(helped, order.subList(own.size(), order.size()));
        // The rest of the stripe just before its own, once that owner has been slow for a while, from its far end; the
        // other stripe is helped by the other helper first, so it waits one step more for that one.
        Thread.sleep(500);
        order.clear();
        for (ChunkPicker.Chunk chunk = picker.next(SEED, true); chunk != null; chunk = picker.next(SEED, true)) {
            order.add(chunk);
            picker.claim(chunk, SEED);
            picker.done(chunk);
        }
        List<ChunkPicker.Chunk> nextInLine = missing(manifest).stream().filter(c -> stripes.distance(c) == 1)
                .filter(c -> !helped.contains(c)).sorted(java.util.Comparator.comparingLong(stripes::order)).toList();
        assertTrue(!nextInLine.isEmpty());
        assertEquals(nextInLine, order);
        Thread.sleep(1500);
        assertEquals(2, stripes.distance(picker.next(SEED, true)), "one step later: the next stripe");
    }

    @Test
    void inTheEndGameAPeerThisOneFetchesNothingFromIsAskedForASecondCopyOfTheChunkBegunLast()
            throws InterruptedException {
        GameManifest manifest = manifest(3);
        BitSet all = new BitSet();
        all.set(0, 3);
        PeerId other = new PeerId("cc".repeat(32));
        ChunkPicker picker = new ChunkPicker(missing(manifest), new SwarmView(manifest, Set.of(SEED), Map.of(PARTIAL,
                List.of(all), other, List.of(all))));
        List<ChunkPicker.Chunk> begun = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            begun.add(picker.next(PARTIAL, true));
            Thread.sleep(5);
        }
        assertNull(picker.next(other, true), "every chunk in flight for less than a second: no second copy yet");
        Thread.sleep(1100);
        assertNull(picker.next(SEED, true), "the seed is not asked for copies while downloaders share the swarm");
        assertEquals(begun.get(2), picker.next(other, true), "a second copy of the chunk begun last");
        assertNull(picker.next(other, true), "one at a time from a peer");
        assertTrue(picker.claim(begun.get(2), other), "the second copy arrived first");
        assertFalse(picker.claim(begun.get(2), PARTIAL), "the first, later, is not written");
        assertTrue(picker.claimed(begun.get(2)));
        picker.done(begun.get(2));
        assertEquals(begun.get(1), picker.next(other, true), "then the one begun before it");
        assertNull(picker.next(PARTIAL, true), "never a second copy from the peer already sending it");
    }
}
