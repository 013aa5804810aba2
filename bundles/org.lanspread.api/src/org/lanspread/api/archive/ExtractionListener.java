package org.lanspread.api.archive;

/** Progress of an extraction. Called on the extracting thread: keep it cheap. */
@FunctionalInterface
public interface ExtractionListener {
    ExtractionListener NONE = (bytesDone, bytesTotal, entriesDone, entriesTotal) -> {
    };

    void progress(long bytesDone, long bytesTotal, int entriesDone, int entriesTotal);
}
