package org.lanspread.peer.internal.swarm;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** Racing fetches of one chunk: the losers are stopped while they fetch, and never after. */
class FetchRacesTest {

    private static final ChunkPicker.Chunk CHUNK = new ChunkPicker.Chunk(0, 3, 0, 4, "00".repeat(32));
    private static final ChunkPicker.Chunk OTHER = new ChunkPicker.Chunk(0, 4, 4, 4, "11".repeat(32));

    @Test
    void theWinnerStopsTheOtherFetchOfItsChunkOnly() throws Exception {
        FetchRaces races = new FetchRaces();
        CountDownLatch fetching = new CountDownLatch(2);
        CompletableFuture<Boolean> loser = fetch(races, CHUNK, fetching);
        CompletableFuture<Boolean> unrelated = fetch(races, OTHER, fetching);
        assertTrue(fetching.await(10, TimeUnit.SECONDS));
        races.begin(CHUNK);
        races.end(CHUNK);
        races.won(CHUNK);
        assertTrue(loser.get(10, TimeUnit.SECONDS), "the other fetch of the chunk was stopped");
        assertFalse(Thread.interrupted(), "not the winner itself");
        Thread.sleep(200);
        assertFalse(unrelated.isDone(), "a fetch of another chunk goes on");
        unrelated.cancel(true);
    }

    @Test
    void aWorkerWhoseFetchHasEndedIsNeverInterruptedLater() throws Exception {
        FetchRaces races = new FetchRaces();
        CountDownLatch ended = new CountDownLatch(1);
        CountDownLatch won = new CountDownLatch(1);
        CompletableFuture<Boolean> interrupted = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            races.begin(CHUNK);
            races.end(CHUNK);
            ended.countDown();
            try { // by now it could be writing the chunk's file: an interrupt would close it
                won.await();
                interrupted.complete(Thread.currentThread().isInterrupted());
            } catch (InterruptedException e) {
                interrupted.complete(true);
            }
        });
        assertTrue(ended.await(10, TimeUnit.SECONDS));
        races.won(CHUNK);
        won.countDown();
        assertFalse(interrupted.get(10, TimeUnit.SECONDS));
    }

    /** A worker fetching {@code chunk} (a sleep as long as the test): true when it was interrupted. */
    private static CompletableFuture<Boolean> fetch(FetchRaces races, ChunkPicker.Chunk chunk, CountDownLatch begun) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            races.begin(chunk);
            begun.countDown();
            try {
                Thread.sleep(60_000);
                result.complete(false);
            } catch (InterruptedException e) {
                result.complete(true);
            } finally {
                races.end(chunk);
            }
        });
        return result;
    }
}
