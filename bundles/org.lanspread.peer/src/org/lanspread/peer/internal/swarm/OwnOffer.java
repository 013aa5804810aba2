package org.lanspread.peer.internal.swarm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.IntFunction;

import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialContent;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.PeerTransport;

/**
 * What this peer offers of a version it is downloading: the chunks verified and journalled, served to others as they
 * arrive. Told to every peer when the download has its manifest ({@code partial}), then in batches ({@code have},
 * {@link #flush()} every {@value #BATCH_MILLIS} ms), and withdrawn when the download ends.
 */
public final class OwnOffer implements PartialContent {

    public static final long BATCH_MILLIS = 250;

    private final String gameId;
    private final String version;
    private final String content;
    private final GameManifest manifest;
    private final IntFunction<Path> files;
    private final PeerTransport transport;
    private final List<BitSet> held = new ArrayList<>();
    private final List<ChunkRef> unannounced = new ArrayList<>();
    private long lastFlush;

    /**
     * @param verified the chunks the download already holds (resumed), one bitmap per file
     * @param files    where each file's bytes are while it is downloaded
     */
    public OwnOffer(GameManifest manifest, String content, List<BitSet> verified, IntFunction<Path> files,
            PeerTransport transport) {
        this.gameId = manifest.gameId();
        this.version = manifest.version();
        this.content = content;
        this.manifest = manifest;
        this.files = files;
        this.transport = transport;
        verified.forEach(b -> held.add((BitSet) b.clone()));
    }

    public String gameId() {
        return gameId;
    }

    /** Tells every peer the whole offer. */
    public void start() {
        lastFlush = System.nanoTime();
        transport.offerPartial(offer());
    }

    /** The whole offer as it is now (for a peer whose session opens). */
    public synchronized PartialOffer offer() {
        return new PartialOffer(gameId, version, content, held, manifest.totalBytes(),
                manifest.files().stream().mapToInt(f -> f.chunks().size()).sum());
    }

    /** A chunk is verified and journalled: served from now on, announced with the next batch. */
    public synchronized void held(int file, int chunk) {
        held.get(file).set(chunk);
        unannounced.add(new ChunkRef(file, chunk));
    }

    /** Announces the chunks held since the last batch, at most every {@value #BATCH_MILLIS} ms unless forced. */
    public void flush(boolean force) {
        List<ChunkRef> batch;
        synchronized (this) {
            long now = System.nanoTime();
            if (unannounced.isEmpty() || !force && now - lastFlush < BATCH_MILLIS * 1_000_000L) {
                return;
            }
            lastFlush = now;
            batch = List.copyOf(unannounced);
            unannounced.clear();
        }
        transport.have(gameId, version, batch);
    }

    /** The download ended: not offered any more (a completed one is announced in the library instead). */
    public void end() {
        transport.withdrawPartial(gameId);
    }

    @Override
    public GameManifest manifest() {
        return manifest;
    }

    @Override
    public synchronized boolean holds(int file, int chunk) {
        return file >= 0 && file < held.size() && held.get(file).get(chunk);
    }

    @Override
    public Path file(int file) {
        return files.apply(file);
    }
}
