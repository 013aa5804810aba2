package org.lanspread.api.transport;

import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * A version a peer is still downloading, and the chunks of it that peer holds verified and serves (protocol 1.1
 * "partial"): never a complete offer, and never listed in the peer's library.
 *
 * @param gameId  the game
 * @param version the version being downloaded
 * @param content the content hash of the manifest it downloads by (see
 *                {@link org.lanspread.api.library.GameManifest#contentHash()})
 * @param have    one bitmap per file of that manifest, in manifest order: bit {@code i} set = chunk {@code i} held
 * @param sizeBytes the size of the whole version, or 0 when the sender did not say (before 0.5)
 * @param chunks    how many chunks the whole version has, all files together, or 0 when the sender did not say
 * @since 0.4
 */
public record PartialOffer(String gameId, String version, String content, List<BitSet> have, long sizeBytes,
        int chunks) {
    public PartialOffer {
        Objects.requireNonNull(gameId, "gameId");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(content, "content");
        have = have.stream().map(b -> (BitSet) b.clone()).toList();
        if (sizeBytes < 0 || chunks < 0) {
            throw new IllegalArgumentException("size and chunk count cannot be negative: " + sizeBytes + ", " + chunks);
        }
    }

    /** An offer that does not say how large the whole version is. */
    public PartialOffer(String gameId, String version, String content, List<BitSet> have) {
        this(gameId, version, content, have, 0, 0);
    }

    /** The same offer holding {@code have} now. */
    public PartialOffer holding(List<BitSet> have) {
        return new PartialOffer(gameId, version, content, have, sizeBytes, chunks);
    }

    /** A copy of one file's bitmap. */
    public BitSet have(int file) {
        return (BitSet) have.get(file).clone();
    }

    /** How many chunks are held, all files together. */
    public int held() {
        return have.stream().mapToInt(BitSet::cardinality).sum();
    }
}
