package org.lanspread.peer.internal.swarm;

import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.PeerId;

/**
 * Who holds which chunks of the version a download fetches, at one moment: the peers holding it complete (every
 * chunk) and the peers still downloading it (their bitmaps), with the number of holders of every chunk. Made again
 * by the download a few times a second; immutable.
 */
public final class SwarmView {

    private final Set<PeerId> complete;
    private final Map<PeerId, List<BitSet>> partial;
    /** Per file, per chunk: how many partial peers hold it. */
    private final int[][] partialCounts;

    /**
     * @param complete the usable peers holding the whole version
     * @param partial  the usable peers downloading it, with one bitmap per file of {@code manifest}
     */
    public SwarmView(GameManifest manifest, Set<PeerId> complete, Map<PeerId, List<BitSet>> partial) {
        this.complete = Set.copyOf(complete);
        this.partial = Map.copyOf(partial);
        partialCounts = new int[manifest.files().size()][];
        for (int f = 0; f < partialCounts.length; f++) {
            partialCounts[f] = new int[manifest.files().get(f).chunks().size()];
        }
        for (List<BitSet> bitmaps : this.partial.values()) {
            for (int f = 0; f < Math.min(bitmaps.size(), partialCounts.length); f++) {
                BitSet bits = bitmaps.get(f);
                for (int c = bits.nextSetBit(0); c >= 0 && c < partialCounts[f].length; c = bits.nextSetBit(c + 1)) {
                    partialCounts[f][c]++;
                }
            }
        }
    }

    /** A view with complete peers only (no partial offers). */
    public static SwarmView complete(GameManifest manifest, Set<PeerId> peers) {
        return new SwarmView(manifest, peers, Map.of());
    }

    public Set<PeerId> completePeers() {
        return complete;
    }

    public Set<PeerId> partialPeers() {
        return partial.keySet();
    }

    public boolean isComplete(PeerId peer) {
        return complete.contains(peer);
    }

    /** Whether {@code peer} holds chunk {@code chunk} of file {@code file}. */
    public boolean holds(PeerId peer, int file, int chunk) {
        if (complete.contains(peer)) {
            return true;
        }
        List<BitSet> bitmaps = partial.get(peer);
        return bitmaps != null && file < bitmaps.size() && bitmaps.get(file).get(chunk);
    }

    /** How many peers hold the chunk, complete ones included. */
    public int holders(int file, int chunk) {
        return complete.size() + partialHolders(file, chunk);
    }

    /** How many partial peers hold the chunk. */
    public int partialHolders(int file, int chunk) {
        return file < partialCounts.length && chunk < partialCounts[file].length ? partialCounts[file][chunk] : 0;
    }
}
