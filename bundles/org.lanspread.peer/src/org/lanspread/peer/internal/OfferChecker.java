package org.lanspread.peer.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.LocalGame;
import org.lanspread.peer.internal.dial.RateLimitedLog;
import org.lanspread.peer.internal.integrity.ArchiveSetTester;

/**
 * Decides which downloaded games are offered to peers: a game is offered only once its archives passed their own
 * checks (the verdict is recorded by the library with the chunk hashes, and made again only when a download file's
 * name, size or modification time changes), with the content hash of its manifest. A game whose archives fail is
 * "damaged" and not offered. One game is checked at a time, never one with an active operation.
 */
final class OfferChecker {

    private static final Logger LOG = Logger.getLogger(OfferChecker.class.getName());
    /**
     * How often every downloaded game's files are looked at again (a stat and a state-database read each), besides
     * the wake-ups after each library change and operation end: a pass over 2,000 games is not free.
     */
    static final Duration INTERVAL = Duration.ofSeconds(30);

    private final Supplier<GameLibrary> libraries;
    private final Supplier<ArchiveExtractor> testers;
    private final OperationState operations;
    private final ServedContent served;
    private final Semaphore wake = new Semaphore(0);
    private final RateLimitedLog problems = new RateLimitedLog(LOG, Duration.ofMinutes(1));

    OfferChecker(Supplier<GameLibrary> libraries, Supplier<ArchiveExtractor> testers, OperationState operations,
            ServedContent served) {
        this.libraries = libraries;
        this.testers = testers;
        this.operations = operations;
        this.served = served;
    }

    /** Looks again now (a library change, an operation ended). */
    void wake() {
        wake.release();
    }

    /** The supervised loop. */
    void run(CancelToken token) throws InterruptedException {
        while (!token.isCancelled()) {
            GameLibrary library = libraries.get();
            if (library != null) {
                for (LocalGame game : library.snapshot().games().values()) {
                    if (token.isCancelled()) {
                        return;
                    }
                    if (!game.availability().downloaded()) {
                        served.withdraw(game.id());
                    } else if (!operations.isActive(game.id())) {
                        look(library, game, token);
                    }
                }
            }
            wake.tryAcquire(INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            wake.drainPermits();
        }
    }

    private void look(GameLibrary library, LocalGame game, CancelToken token) throws InterruptedException {
        String id = game.id();
        try {
            Optional<ArchiveCheck> recorded = library.archiveCheck(id);
            ServedContent.Offer current = served.offer(id);
            if (recorded.isPresent() && current != null && current.check().equals(recorded.get())
                    && current.version().equals(game.downloadedVersion())) {
                return; // unchanged since the last look
            }
            ArchiveCheck check = recorded.orElse(null);
            if (check == null) {
                served.withdraw(id); // never checked, or its files changed: not offered until checked
                ArchiveExtractor extractor = testers.get();
                if (extractor == null) {
                    throw new IOException("no installed extractor can test archives");
                }
                long started = System.nanoTime();
                check = library.checkArchives(id, new ArchiveSetTester(extractor, bytes -> { }, token::isCancelled));
                double seconds = (System.nanoTime() - started) / 1e9;
                LOG.info(String.format(Locale.ROOT, "archives of %s %s %s: %s (%.1f MiB in %.2f s)", id,
                        game.downloadedVersion(), check.passed() ? "passed their own checks" : "are damaged",
                        check.passed() ? "offered to peers" : check.problem() + "; not offered",
                        check.bytes() / 1048576.0, seconds));
                if (library.archiveCheck(id).isEmpty()) {
                    return; // the files changed while they were checked: the next look checks again
                }
            }
            GameManifest manifest = check.passed() ? library.manifest(id) : null;
            served.offer(id, new ServedContent.Offer(game.downloadedVersion(), check,
                    manifest == null ? null : manifest.contentHash()), manifest);
        } catch (IOException | IllegalStateException e) {
            served.withdraw(id);
            problems.log("cannot check " + id + " (not offered until it can be): " + Supervisor.describe(e));
        }
    }
}
