package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.LocalGame;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.RuntimeTopics;
import org.lanspread.api.transport.PeerId;
import org.lanspread.peer.internal.integrity.ArchiveSetTester;

/**
 * The user's operations on games (download, install, update, uninstall, discarding a partial download): each runs as
 * the game's one guarded operation on a task of its own, and ends with the game refreshed, re-announced and exactly
 * one OPERATION_ENDED.
 */
final class GameOperations {

    private static final Logger LOG = Logger.getLogger(GameOperations.class.getName());

    private final RuntimeDependencies deps;
    private final Supplier<GameLibrary> libraries;
    private final Supplier<PeerConnections> connectionsNow;
    private final Supplier<RuntimeSettings> settingsNow;
    private final PeerDirectory directory;
    private final OperationState operations;
    private final TaskGroup operationsGroup;
    private final ServedContent served;
    private final Runnable publish;
    private final GameRepair repairs;
    private final Map<String, Download> downloads = new ConcurrentHashMap<>();
    /** Why the game's last operation failed (e.g. a download refused for lack of space), until its next one. */
    private final Map<String, String> failures = new ConcurrentHashMap<>();
    /** The names of the peers the game's last download of this operation received data from (for its summary). */
    private final Map<String, List<String>> fetchedFrom = new ConcurrentHashMap<>();

    GameOperations(RuntimeDependencies deps, Supplier<GameLibrary> libraries, Supplier<PeerConnections> connections,
            Supplier<RuntimeSettings> settings, PeerDirectory directory, OperationState operations,
            TaskGroup operationsGroup, ServedContent served, Runnable publish) {
        this.deps = deps;
        this.libraries = libraries;
        this.connectionsNow = connections;
        this.settingsNow = settings;
        this.directory = directory;
        this.operations = operations;
        this.operationsGroup = operationsGroup;
        this.served = served;
        this.publish = publish;
        this.repairs = new GameRepair(deps, libraries, connections, settings, directory, this::fetch, this::unpack);
    }

    /** Why the game's last operation failed, shown on its row until another operation starts; or null. */
    String lastFailure(String gameId) {
        return failures.get(gameId);
    }

    /** The downloads running now. */
    Collection<Download> downloads() {
        return downloads.values();
    }

    /** What this peer serves of a game it is downloading, or null. */
    org.lanspread.peer.internal.swarm.OwnOffer own(String gameId) {
        Download download = downloads.get(gameId);
        return download == null ? null : download.own();
    }

    long discard(String gameId) throws OperationRefusedException {
        if (operations.isActive(gameId)) {
            throw new OperationRefusedException("'" + gameId + "' has an active operation: cancel it first");
        }
        Path folder = libraries.get().gameDirectory().resolve(gameId);
        try {
            long freed = Trees.delete(DownloadStaging.dir(folder));
            try (var left = Files.list(folder)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(folder);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // nothing there
            }
            libraries.get().refresh(gameId);
            publish.run();
            return freed;
        } catch (IOException e) {
            throw new OperationRefusedException("cannot remove the partial download of " + gameId + ": "
                    + Supervisor.describe(e));
        }
    }

    /** The newest version peers offer, or a refusal naming the game. */
    private String bestOnPeers(String gameId) throws OperationRefusedException {
        PeerDirectory.Best best = directory.bestVersions().get(gameId);
        if (best == null) {
            throw new OperationRefusedException("no connected peer offers '" + gameId + "'");
        }
        return best.game().version();
    }

    private LocalGame current(String gameId) {
        try {
            return libraries.get().refresh(gameId).orElse(null);
        } catch (IOException e) {
            return libraries.get().snapshot().games().get(gameId);
        }
    }

    void download(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        String version = bestOnPeers(gameId);
        if (game != null && game.availability().downloaded() && version.equals(game.downloadedVersion())) {
            result.complete(new OperationOutcome(gameId, OperationKind.DOWNLOAD, Result.NOTHING_TO_DO, version,
                    gameId + " " + version + " is already downloaded"));
            return;
        }
        runOperation(gameId, OperationKind.DOWNLOAD, "connecting", result,
                (guard, token, group) -> fetch(gameId, version, guard, group, OperationKind.DOWNLOAD));
    }

    void install(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game != null && game.availability().installed()) {
            result.complete(new OperationOutcome(gameId, OperationKind.INSTALL, Result.NOTHING_TO_DO,
                    game.installedVersion(), gameId + " is already installed"));
            return;
        }
        if (game != null && game.availability().downloaded()) { // archives without local/: install directly
            runOperation(gameId, OperationKind.INSTALL, "preparing", result,
                    (guard, token, group) -> unpack(gameId, OperationKind.INSTALL, guard, token));
            return;
        }
        String version = bestOnPeers(gameId); // no version.ini: download from peers first
        runOperation(gameId, OperationKind.DOWNLOAD, OperationKind.INSTALL, "connecting", result, (guard, token, group) -> {
            OperationOutcome fetched = fetch(gameId, version, guard, group, OperationKind.INSTALL);
            if (fetched.result() != Result.COMPLETED) {
                return fetched;
            }
            guard.phase(OperationKind.INSTALL, "preparing", 0);
            return withDownload(fetched, unpack(gameId, OperationKind.INSTALL, guard, token));
        });
    }

    void update(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().installed()) {
            throw new OperationRefusedException("'" + gameId + "' is not installed: install it instead");
        }
        PeerDirectory.Best best = directory.bestVersions().get(gameId);
        boolean newer = best != null && (game.downloadedVersion() == null
                || Versions.compare(best.game().version(), game.downloadedVersion()) > 0);
        if (newer) { // a fresh download, then reinstall
            String version = best.game().version();
            runOperation(gameId, OperationKind.UPDATE, "connecting", result, (guard, token, group) -> {
                OperationOutcome fetched = fetch(gameId, version, guard, group, OperationKind.UPDATE);
                if (fetched.result() != Result.COMPLETED) {
                    return fetched;
                }
                return withDownload(fetched, unpack(gameId, OperationKind.UPDATE, guard, token));
            });
        } else if (game.updatePending()) { // the newer version is downloaded already
            runOperation(gameId, OperationKind.UPDATE, "preparing", result,
                    (guard, token, group) -> unpack(gameId, OperationKind.UPDATE, guard, token));
        } else {
            result.complete(new OperationOutcome(gameId, OperationKind.UPDATE, Result.NOTHING_TO_DO,
                    game.installedVersion(), gameId + " is up to date"));
        }
    }

    void uninstall(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().installed()) {
            result.complete(new OperationOutcome(gameId, OperationKind.UNINSTALL, Result.NOTHING_TO_DO, null,
                    gameId + " is not installed"));
            return;
        }
        runOperation(gameId, OperationKind.UNINSTALL, "removing", result, (guard, token, group) -> {
            new GameTransactions(() -> null).uninstall(libraries.get().gameDirectory().resolve(gameId), guard);
            return new OperationOutcome(gameId, OperationKind.UNINSTALL, Result.COMPLETED, game.installedVersion(),
                    gameId + " was uninstalled");
        });
    }

    void delete(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        Path folder = libraries.get().gameDirectory().resolve(gameId);
        if (!Files.isDirectory(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            result.complete(new OperationOutcome(gameId, OperationKind.DELETE, Result.NOTHING_TO_DO, null,
                    gameId + " is not on this machine"));
            return;
        }
        LocalGame game = current(gameId);
        String version = game == null ? null : game.downloadedVersion() != null ? game.downloadedVersion()
                : game.installedVersion();
        runOperation(gameId, OperationKind.DELETE, "removing", result, (guard, token, group) -> {
            long freed = GameTransactions.delete(folder, guard);
            OperationOutcome deleted = new OperationOutcome(gameId, OperationKind.DELETE, Result.COMPLETED, version,
                    String.format(java.util.Locale.ROOT, "%s was deleted: %.1f MiB (%d bytes) freed", gameId,
                            freed / 1048576.0, freed));
            return deleted.withSummary(OutcomeSummary.of(deleted, displayName(gameId), freed, Duration.ZERO,
                    List.of()));
        });
    }

    void verify(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().downloaded()) {
            throw new OperationRefusedException("'" + gameId + "' has no complete download to verify");
        }
        runOperation(gameId, OperationKind.VERIFY, "verifying", result,
                (guard, token, group) -> repairs.verify(game, guard, token));
    }

    void repair(String gameId, CompletableFuture<Object> result) throws OperationRefusedException {
        LocalGame game = current(gameId);
        GameManifest staged = DownloadStaging.stagedManifest(libraries.get().gameDirectory().resolve(gameId));
        if ((game == null || !game.availability().downloaded()) && staged != null) { // a paused repair or download
            runOperation(gameId, OperationKind.REPAIR, "connecting", result, (guard, token, group) -> {
                OperationOutcome fetched = fetch(gameId, staged.version(), guard, group, OperationKind.REPAIR);
                if (fetched.result() != Result.COMPLETED) {
                    return fetched;
                }
                OperationOutcome rest = repairs.repair(current(gameId), guard, token, group); // the install too
                String done = gameId + " " + staged.version() + " repaired; the paused download was completed";
                return rest.result() == Result.NOTHING_TO_DO
                        ? new OperationOutcome(gameId, OperationKind.REPAIR, Result.COMPLETED, staged.version(), done)
                        : new OperationOutcome(gameId, OperationKind.REPAIR, rest.result(), staged.version(),
                                rest.result() == Result.COMPLETED ? done + rest.message().substring(
                                        rest.message().indexOf(';')) : done + "; then: " + rest.message());
            });
            return;
        }
        if (game == null || !game.availability().downloaded()) {
            throw new OperationRefusedException("'" + gameId + "' has no complete download to repair: download it");
        }
        runOperation(gameId, OperationKind.REPAIR, "verifying", result,
                (guard, token, group) -> repairs.repair(game, guard, token, group));
    }

    /** Fetches {@code version} of a game; the outcome is COMPLETED, CANCELLED or ALL_PEERS_GONE. */
    private OperationOutcome fetch(String gameId, String version, OperationState.Guard guard, TaskGroup group,
            OperationKind kind) throws Download.DownloadException, InterruptedException, IOException {
        return fetch(gameId, version, guard, group, kind, download -> download);
    }

    /** As {@link #fetch(String, String, OperationState.Guard, TaskGroup, OperationKind)}, the download set up first. */
    private OperationOutcome fetch(String gameId, String version, OperationState.Guard guard, TaskGroup group,
            OperationKind kind, java.util.function.UnaryOperator<Download> setup)
            throws Download.DownloadException, InterruptedException, IOException {
        Download download = setup.apply(new Download(gameId, version, libraries.get().gameDirectory().resolve(gameId), directory,
                connectionsNow.get(), guard, group, (peer, why) -> deps.post(RuntimeTopics.PEER_DROPPED, Map.of(
                        RuntimeTopics.GAME_ID, gameId, RuntimeTopics.PEER, peer.hex(), RuntimeTopics.MESSAGE, why)),
                (message, others) -> deps.post(RuntimeTopics.PEERS_DISAGREE, Map.of(RuntimeTopics.GAME_ID, gameId,
                        RuntimeTopics.MESSAGE, message, RuntimeTopics.PEERS_PROPERTY,
                        others.stream().map(PeerId::hex).toList()))));
        downloads.put(gameId, download);
        Download.Result result;
        try {
            result = download.run();
        } finally {
            downloads.remove(gameId, download);
        }
        Download.Stats stats = download.stats();
        if (stats != null) {
            fetchedFrom.put(gameId, stats.fromPeers().entrySet().stream().filter(e -> e.getValue() > 0)
                    .sorted(Map.Entry.<PeerId, Long>comparingByValue().reversed())
                    .map(e -> directory.nameOf(e.getKey())).toList());
        }
        String figures = stats == null ? "" : String.format(java.util.Locale.ROOT,
                " (%d bytes, %d resumed, %d fetched, %d re-fetched, from %d peer(s)%s)", stats.totalBytes(),
                stats.resumedBytes(), stats.fetchedBytes(), stats.refetchedBytes(), stats.peersUsed(),
                stats.dropped().isEmpty() ? "" : ", dropped " + stats.dropped().stream().map(PeerId::shortForm).toList())
                + (stats == null || stats.disagreement() == null ? "" : "; " + stats.disagreement());
        return switch (result) {
            case COMPLETED -> checked(gameId, version, kind, figures, guard, group.token());
            case CANCELLED -> new OperationOutcome(gameId, kind, Result.CANCELLED, version,
                    "download of " + gameId + " cancelled; verified chunks are kept for resuming" + figures);
            case ALL_PEERS_GONE -> new OperationOutcome(gameId, kind, Result.ALL_PEERS_GONE, version,
                    "every peer offering " + gameId + " " + version + " left; the download resumes when one is back"
                            + figures);
        };
    }

    /**
     * A download is complete only once its archives passed their own checks: every chunk matched the manifest, but the
     * manifest's peers may have offered damaged archives (their verdict is recorded, as for any downloaded game).
     */
    private OperationOutcome checked(String gameId, String version, OperationKind kind, String figures,
            OperationState.Guard guard, CancelToken token) throws IOException, InterruptedException {
        ArchiveExtractor tester = deps.tester(settingsNow.get().extractor());
        if (tester == null) {
            throw new IOException(gameId + " " + version + " was downloaded" + figures
                    + ", but no installed extractor can check its archives");
        }
        LocalGame game = current(gameId);
        guard.phase(guard.current().kind(), "checking archives", game == null ? 0 : game.downloadBytes());
        ArchiveCheck check;
        try {
            check = libraries.get().checkArchives(gameId, new ArchiveSetTester(tester, guard::progress,
                    token::isCancelled));
        } catch (InterruptedException e) {
            return new OperationOutcome(gameId, kind, Result.CANCELLED, version, gameId + " " + version
                    + " was downloaded" + figures + "; its archive check was cancelled (it runs again before the game"
                    + " is offered to peers)");
        }
        if (!check.passed()) {
            return new OperationOutcome(gameId, kind, Result.FAILED, version, gameId + " " + version
                    + " was downloaded as its peers serve it" + figures + ", but its archives fail their own check: "
                    + check.problem() + "; it is marked damaged and not offered to peers");
        }
        return new OperationOutcome(gameId, kind, Result.COMPLETED, version, gameId + " " + version + " downloaded"
                + figures + "; its archives passed their own checks");
    }

    /** The unpack's outcome, its message preceded by the download's (with its figures). */
    private static OperationOutcome withDownload(OperationOutcome fetched, OperationOutcome unpacked) {
        return new OperationOutcome(unpacked.gameId(), unpacked.kind(), unpacked.result(), unpacked.version(),
                fetched.message() + "; " + unpacked.message());
    }

    /** Unpacks the downloaded version into local/ (an install, or the second half of an update). */
    private OperationOutcome unpack(String gameId, OperationKind kind, OperationState.Guard guard, CancelToken token)
            throws IOException, ArchiveException {
        return unpack(gameId, kind, List.of(), guard, token);
    }

    /** As {@link #unpack(String, OperationKind, OperationState.Guard, CancelToken)}, keeping {@code keep} of local/. */
    private OperationOutcome unpack(String gameId, OperationKind kind, List<String> keep, OperationState.Guard guard,
            CancelToken token) throws IOException, ArchiveException {
        LocalGame game = current(gameId);
        if (game == null || !game.availability().downloaded()) {
            throw new IOException("'" + gameId + "' has no complete download to unpack");
        }
        // The unpacked size from the archives' own check (its entries' sizes), else at least the archives' size.
        long unpacked = libraries.get().archiveCheck(gameId).filter(c -> c.passed() && c.bytes() > 0)
                .map(c -> c.bytes()).orElse(game.downloadBytes());
        SpaceCheck.require(libraries.get().gameDirectory().resolve(gameId), unpacked,
                (kind == OperationKind.UPDATE ? "the update of " : "the install of ") + gameId + " "
                        + game.downloadedVersion());
        try {
            new GameTransactions(() -> deps.extractor(settingsNow.get().extractor())).install(
                    libraries.get().gameDirectory().resolve(gameId), game.downloadedVersion(), game.archives(), keep, guard,
                    token);
        } catch (GameTransactions.Cancelled e) {
            return new OperationOutcome(gameId, kind, Result.CANCELLED, game.downloadedVersion(),
                    (kind == OperationKind.UPDATE ? "update" : "install") + " of " + gameId
                            + " cancelled and rolled back: " + e.getMessage());
        }
        return new OperationOutcome(gameId, kind, Result.COMPLETED, game.downloadedVersion(),
                gameId + " " + game.downloadedVersion() + (kind == OperationKind.UPDATE ? " updated" : " installed"));
    }

    /** An operation's work, run on its own task. */
    @FunctionalInterface
    private interface Work {
        OperationOutcome run(OperationState.Guard guard, CancelToken token, TaskGroup group) throws Exception;
    }

    /**
     * Runs {@code work} as the game's operation: the guard is owned by the task and released on every exit path (the
     * task's exit handler runs in its thread's finally); then, and only then, the game alone is refreshed and
     * re-announced, one snapshot without the operation is published, and exactly one OPERATION_ENDED is posted.
     *
     * @param reported the kind the outcome reports (an install that downloads first starts as a download)
     */
    private void runOperation(String gameId, OperationKind kind, String phase, CompletableFuture<Object> result,
            Work work) throws OperationRefusedException {
        runOperation(gameId, kind, kind, phase, result, work);
    }

    private void runOperation(String gameId, OperationKind kind, OperationKind reported, String phase,
            CompletableFuture<Object> result, Work work) throws OperationRefusedException {
        TaskGroup group = operationsGroup.child(gameId);
        OperationState.Guard guard = operations.begin(gameId, kind, phase, group.token());
        failures.remove(gameId);
        long begun = System.nanoTime();
        served.reannounce(gameId); // suppressed from what peers see while active
        deps.post(RuntimeTopics.OPERATION_STARTED, Map.of(RuntimeTopics.GAME_ID, gameId, RuntimeTopics.KIND,
                reported.name()));
        AtomicReference<OperationOutcome> outcome = new AtomicReference<>();
        try {
            group.fork(reported.name().toLowerCase() + " " + gameId, false,
                    token -> outcome.set(work.run(guard, token, group)), failure -> {
                        guard.release(); // quietly: the snapshot below shows the refreshed game without it
                        OperationOutcome ended = outcome.get();
                        if (ended == null) {
                            String why = failure == null ? "ended without a result" : Supervisor.describe(failure);
                            ended = new OperationOutcome(gameId, reported, Result.FAILED, null, why);
                            LOG.log(Level.WARNING, reported.name().toLowerCase() + " of " + gameId + " failed: " + why,
                                    failure);
                        }
                        ended = finished(gameId, ended, Duration.ofNanos(System.nanoTime() - begun));
                        group.release();
                        result.complete(ended);
                    });
        } catch (IllegalStateException e) { // stopping
            guard.close();
            throw new OperationRefusedException("the peer is stopping");
        }
    }

    /** The game's name from the catalog, else its id. */
    private String displayName(String gameId) {
        return deps.catalog() == null ? gameId : deps.catalog().displayName(gameId);
    }

    /** Refreshes the game, adds the outcome's summary, logs and posts it; returns the outcome as posted. */
    private OperationOutcome finished(String gameId, OperationOutcome ended, Duration took) {
        try {
            libraries.get().refresh(gameId); // this game only, never a full scan or recovery
        } catch (IOException | RuntimeException e) {
            LOG.warning("cannot refresh " + gameId + " after its operation: " + e.getMessage());
        }
        List<String> peers = fetchedFrom.remove(gameId);
        OperationOutcome outcome = ended;
        if (!ended.summarized()) {
            LocalGame game = current(gameId);
            outcome = ended.withSummary(OutcomeSummary.of(ended, displayName(gameId),
                    game == null ? 0 : game.downloadBytes(), took, peers == null ? List.of() : peers));
        }
        if (outcome.result() == Result.FAILED) {
            failures.put(gameId, outcome.kind().name().toLowerCase(java.util.Locale.ROOT) + " failed: "
                    + outcome.message());
        }
        LOG.log(outcome.result() == Result.FAILED ? Level.WARNING : Level.INFO,
                outcome.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + gameId + ": "
                        + outcome.result().name().toLowerCase(java.util.Locale.ROOT) + ": " + outcome.message());
        served.reannounce(gameId);
        publish.run(); // also when the library did not change (a rollback): clears the stale operation
        deps.post(RuntimeTopics.OPERATION_ENDED, Map.of(RuntimeTopics.GAME_ID, gameId, RuntimeTopics.KIND,
                outcome.kind().name(), RuntimeTopics.RESULT, outcome.result().name(), RuntimeTopics.MESSAGE,
                outcome.message(), RuntimeTopics.OUTCOME_PROPERTY, outcome));
        return outcome;
    }

}
