package org.lanspread.api.archive;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import java.util.function.ToIntFunction;

/** How a consumer picks one of the registered {@link ArchiveExtractor}s. */
public final class ExtractorSelection {

    private ExtractorSelection() {
    }

    /**
     * The extractor whose {@link ArchiveExtractor#id()} is {@code preferredId} when it is registered and
     * available; otherwise the available one with the highest ranking (ties: the first in {@code candidates}).
     *
     * @param candidates  the registered extractors
     * @param ranking     each one's service ranking
     * @param preferredId the user's preference, or null/blank for none
     */
    public static Optional<ArchiveExtractor> choose(Collection<ArchiveExtractor> candidates,
            ToIntFunction<ArchiveExtractor> ranking, String preferredId) {
        if (preferredId != null && !preferredId.isBlank()) {
            Optional<ArchiveExtractor> preferred = candidates.stream()
                    .filter(e -> e.id().equals(preferredId.strip()) && e.available()).findFirst();
            if (preferred.isPresent()) {
                return preferred;
            }
        }
        return candidates.stream().filter(ArchiveExtractor::available)
                .max(Comparator.comparingInt(ranking));
    }
}
