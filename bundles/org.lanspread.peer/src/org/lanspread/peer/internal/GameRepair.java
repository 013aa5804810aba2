package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.lanspread.api.archive.ArchiveEntry;
import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveExtractor;
import org.lanspread.api.games.OperationKind;
import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.api.library.DamagedChunk;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.LocalGame;
import org.lanspread.api.runtime.OperationOutcome;
import org.lanspread.api.runtime.OperationOutcome.Result;
import org.lanspread.peer.internal.integrity.ArchiveSetTester;
import org.lanspread.peer.internal.integrity.ArchiveSets;
import org.lanspread.peer.internal.repair.InstallCheck;

/**
 * Verify and Repair of a downloaded game. Verify reads every chunk of the download files against a reference manifest
 * (the hashes recorded for them, or, when those no longer describe the files, the manifest peers offer for the same
 * version) and checks the install against its archives' entries. Repair then fetches only the chunks that differ
 * (a download seeded with this peer's good chunks, so the download's journal makes it crash-safe) and unpacks the
 * archives again only when the install differed, keeping the files the game added.
 */
final class GameRepair {

    /** Fetches a version as the game's operation does, after {@code setup} configured the download. */
    @FunctionalInterface
    interface Fetch {
        OperationOutcome fetch(String gameId, String version, OperationState.Guard guard, TaskGroup group,
                OperationKind kind, UnaryOperator<Download> setup) throws Exception;
    }

    /** Unpacks the downloaded version into local/ again, copying {@code keep} from the old install. */
    @FunctionalInterface
    interface Unpack {
        OperationOutcome unpack(String gameId, OperationKind kind, List<String> keep, OperationState.Guard guard,
                CancelToken token) throws Exception;
    }

    /**
     * What Verify found.
     *
     * @param against     where the reference manifest came from ("recorded", "peers"), or null when there was none
     * @param damaged     the chunks (and files) that differ from it
     * @param install     the install's check, or null when it was not checked ({@code installNote} says why)
     * @param installNote why the install was not checked, or null
     */
    record Findings(String against, GameManifest reference, List<DamagedChunk> damaged, InstallCheck.Result install,
            String installNote, ArchiveCheck archives) {
        boolean intact() {
            return damaged.isEmpty() && (install == null || install.intact()) && (archives == null || archives.passed());
        }
    }

    private final RuntimeDependencies deps;
    private final Supplier<GameLibrary> libraries;
    private final Supplier<PeerConnections> connections;
    private final Supplier<RuntimeSettings> settings;
    private final PeerDirectory directory;
    private final Fetch fetch;
    private final Unpack unpack;

    GameRepair(RuntimeDependencies deps, Supplier<GameLibrary> libraries, Supplier<PeerConnections> connections,
            Supplier<RuntimeSettings> settings, PeerDirectory directory, Fetch fetch, Unpack unpack) {
        this.deps = deps;
        this.libraries = libraries;
        this.connections = connections;
        this.settings = settings;
        this.directory = directory;
        this.fetch = fetch;
        this.unpack = unpack;
    }

    /** Verify's work: COMPLETED when all matches, FAILED naming what differs (damaged chunks are recorded). */
    OperationOutcome verify(LocalGame game, OperationState.Guard guard, CancelToken token) throws Exception {
        String id = game.id();
        String version = game.downloadedVersion();
        Findings found;
        try {
            found = inspect(game, OperationKind.VERIFY, guard, token);
        } catch (InterruptedException e) {
            return new OperationOutcome(id, OperationKind.VERIFY, Result.CANCELLED, version,
                    "verify of " + id + " " + version + " cancelled");
        }
        String install = found.install == null ? found.installNote : "its install: " + found.install.describe();
        if (found.intact()) {
            return new OperationOutcome(id, OperationKind.VERIFY, Result.COMPLETED, version,
                    (found.against == null ? "no recorded hashes of " + id + " " + version + " describe its files as "
                            + "they are, and no peer offers it: " + (found.archives == null ? "no extractor could check"
                                    + " its archives either" : "its archives passed their own checks instead")
                            : "every chunk of " + id + " " + version + " matches its " + found.against + " manifest ("
                                    + game.downloadBytes() + " bytes read)")
                            + (install == null ? "" : "; " + install));
        }
        return new OperationOutcome(id, OperationKind.VERIFY, Result.FAILED, version, problem(id, version, found));
    }

    /** What Verify found wrong, ending with "needs repair"; records damaged chunks so the game is not offered. */
    private String problem(String id, String version, Findings found) throws IOException {
        List<String> parts = new ArrayList<>();
        if (found.archives != null && !found.archives.passed()) {
            parts.add("no recorded hashes of " + id + " " + version + " describe its files as they are, and no peer "
                    + "offers it; its archives fail their own check: " + found.archives.problem());
        }
        if (!found.damaged.isEmpty()) {
            List<DamagedChunk> bad = found.damaged;
            parts.add(bad.size() + " chunk(s) of " + id + " " + version + " no longer match the " + found.against
                    + " manifest: " + String.join(", ", (bad.size() > 8 ? bad.subList(0, 8) : bad).stream()
                            .map(DamagedChunk::toString).toList()) + (bad.size() > 8 ? ", …" : ""));
        }
        if (found.install != null && !found.install.intact()) {
            parts.add((parts.isEmpty() ? "the install of " + id + " " + version : "its install")
                    + " differs from its archives: " + found.install.describe());
        }
        String problem = String.join("; ", parts) + "; needs repair";
        if (!found.damaged.isEmpty()) {
            libraries.get().recordDamage(id, problem); // not offered until a file changes (a repair)
        }
        return problem;
    }

    /** Repair's work. */
    OperationOutcome repair(LocalGame game, OperationState.Guard guard, CancelToken token, TaskGroup group)
            throws Exception {
        String id = game.id();
        String version = game.downloadedVersion();
        Findings found;
        try {
            found = inspect(game, OperationKind.REPAIR, guard, token);
        } catch (InterruptedException e) {
            return new OperationOutcome(id, OperationKind.REPAIR, Result.CANCELLED, version,
                    "repair of " + id + " " + version + " cancelled while verifying; nothing was changed");
        }
        if (found.intact()) {
            return new OperationOutcome(id, OperationKind.REPAIR, Result.NOTHING_TO_DO, version, id + " " + version
                    + " is intact: every chunk matches" + (found.install == null ? "" : " and so does its install"));
        }
        List<String> done = new ArrayList<>();
        String figures = "";
        if (found.archives != null && !found.archives.passed()) { // damaged, but nothing says where
            return new OperationOutcome(id, OperationKind.REPAIR, Result.FAILED, version, problem(id, version, found)
                    .replaceFirst("; needs repair$", "") + "; to repair it, connect a peer that offers " + version);
        }
        if (!found.damaged.isEmpty()) {
            problem(id, version, found);
            Map<String, BitSet> damaged = new HashMap<>();
            for (DamagedChunk chunk : found.damaged) {
                if (chunk.wholeFile()) {
                    damaged.put(chunk.file(), null);
                } else if (!damaged.containsKey(chunk.file()) || damaged.get(chunk.file()) != null) {
                    damaged.computeIfAbsent(chunk.file(), f -> new BitSet()).set(chunk.chunk());
                }
            }
            Path folder = libraries.get().gameDirectory().resolve(id);
            GameManifest reference = found.reference;
            guard.phase(OperationKind.REPAIR, "connecting", 0);
            OperationOutcome fetched = fetch.fetch(id, version, guard, group, OperationKind.REPAIR,
                    download -> download.repairing(reference, m -> DownloadStaging.seed(folder, m, damaged)));
            if (fetched.result() != Result.COMPLETED) {
                String paused = Files.isDirectory(DownloadStaging.dir(folder))
                        ? "; it is a paused download of " + version + " now, which Repair or Download resumes" : "";
                return new OperationOutcome(id, OperationKind.REPAIR, fetched.result(), version,
                        "repair of " + id + " " + version + ": " + fetched.message() + paused);
            }
            long bytes = found.damaged.stream().mapToLong(c -> bytes(reference, c)).sum();
            done.add(found.damaged.size() + " damaged chunk(s) fetched again (" + OutcomeSummary.size(bytes) + ")");
            figures = " [" + fetched.message() + "]";
        }
        if (found.install != null && !found.install.intact()) {
            OperationOutcome unpacked = unpack.unpack(id, OperationKind.REPAIR, found.install.added(), guard, token);
            if (unpacked.result() != Result.COMPLETED) {
                return new OperationOutcome(id, OperationKind.REPAIR, unpacked.result(), version, "repair of " + id
                        + " " + version + ": " + unpacked.message() + "; the install is as it was");
            }
            done.add("install unpacked again (it had " + found.install.describe() + ")");
        }
        return new OperationOutcome(id, OperationKind.REPAIR, Result.COMPLETED, version,
                id + " " + version + " repaired; " + String.join("; ", done) + figures);
    }

    private static long bytes(GameManifest manifest, DamagedChunk chunk) {
        GameManifest.ManifestFile file = manifest.files().stream().filter(f -> f.path().equals(chunk.file()))
                .findFirst().orElse(null);
        if (file == null) {
            return 0;
        }
        if (chunk.wholeFile()) {
            return file.size();
        }
        return Math.min(manifest.chunkSize(), file.size() - (long) chunk.chunk() * manifest.chunkSize());
    }

    /** Verifies the download and checks the install; progress over both. */
    Findings inspect(LocalGame game, OperationKind kind, OperationState.Guard guard, CancelToken token)
            throws IOException, InterruptedException, Download.DownloadException {
        String id = game.id();
        GameLibrary library = libraries.get();
        guard.phase(kind, "verifying", game.downloadBytes());
        String against = "recorded";
        GameManifest reference = library.recordedManifest(id).orElse(null);
        if (reference == null) {
            against = "peers'";
            reference = new DownloadSources(id, game.downloadedVersion(), directory, connections.get(),
                    (message, others) -> { }).fetchManifest(token);
            if (token.isCancelled()) {
                throw new InterruptedException("cancelled");
            }
        }
        Path folder = library.gameDirectory().resolve(id);
        List<ArchiveEntry> entries = null;
        String installNote = null;
        Path local = folder.resolve(GameTransactions.LOCAL);
        if (!Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
            installNote = null; // not installed: nothing to check
        } else if (game.installedVersion() != null && !Objects.equals(game.installedVersion(), game
                .downloadedVersion())) {
            installNote = "its install (" + game.installedVersion() + ") is not of the downloaded version: not checked";
        } else {
            try {
                entries = entries(folder, game.archives());
            } catch (ArchiveException e) {
                installNote = "its install was not checked: " + e.getMessage();
            }
        }
        long total = game.downloadBytes() + (entries == null ? 0 : InstallCheck.bytes(entries));
        guard.phase(kind, "verifying", total);
        List<DamagedChunk> damaged = List.of();
        ArchiveCheck archives = null;
        if (reference != null) {
            damaged = library.verifyDownload(id, reference, guard::progress, token::isCancelled);
        } else { // nothing to compare chunks with: the archives' own CRCs find damage, not where it is
            ArchiveExtractor tester = deps.tester(settings.get().extractor());
            if (tester != null) {
                archives = library.checkArchives(id, new ArchiveSetTester(tester, guard::progress,
                        token::isCancelled));
            }
        }
        InstallCheck.Result install = null;
        if (entries != null) {
            long base = game.downloadBytes();
            install = new InstallCheck(List.of(GameTransactions.MARKER)).check(local, entries,
                    read -> guard.progress(base + read), token::isCancelled);
        }
        return new Findings(reference == null ? null : against, reference, damaged, install, installNote, archives);
    }

    /** Every entry of every archive set of the game (their union is what its install holds). */
    private List<ArchiveEntry> entries(Path folder, List<String> archives) throws ArchiveException {
        ArchiveExtractor extractor = deps.extractor(settings.get().extractor());
        if (extractor == null) {
            throw new ArchiveException(ArchiveException.Reason.UNSUPPORTED, folder, "no archive extractor is available");
        }
        List<ArchiveEntry> all = new ArrayList<>();
        for (Path first : ArchiveSets.firstVolumes(folder, archives)) {
            all.addAll(extractor.entries(first));
        }
        return all;
    }
}
