package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.logging.Logger;

import org.lanspread.api.library.ArchiveCheck;
import org.lanspread.peer.internal.swarm.OwnOffer;
import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.library.LibraryDelta;
import org.lanspread.api.library.LocalGame;
import org.lanspread.api.transport.AnnouncedGame;
import org.lanspread.api.transport.ContentSource;
import org.lanspread.api.transport.PartialContent;
import org.lanspread.api.transport.PartialOffer;
import org.lanspread.api.transport.PeerTransport;

/**
 * What this peer offers to others, and telling peers when that changes: complete games with no active operation whose
 * archives passed their own checks ({@link Offer}s, made by the {@link OfferChecker}), each with its manifest (cached
 * until the game's folder changes) and that manifest's content hash.
 */
final class ServedContent implements ContentSource {

    private static final Logger LOG = Logger.getLogger(ServedContent.class.getName());

    private final Supplier<GameLibrary> libraries;
    private final Supplier<PeerTransport> transports;
    private final OperationState operations;
    /** Manifests served, cached until the game's folder changes. */
    private final Map<String, GameManifest> manifests = new ConcurrentHashMap<>();
    /** The verdicts on the downloaded games: only a passed one for the downloaded version is offered. */
    private final Map<String, Offer> offers = new ConcurrentHashMap<>();
    private final Runnable changed;

    /**
     * A downloaded version's verdict.
     *
     * @param version the version checked
     * @param check   its archives' own checks
     * @param content the content hash of its manifest when the check passed, else null
     */
    record Offer(String version, ArchiveCheck check, String content) {
    }

    private final java.util.function.Function<String, OwnOffer> downloading;
    private final Supplier<List<OwnOffer>> allDownloading;

    /**
     * @param changed        told (to publish the snapshot) when an offer or a verdict changes
     * @param downloading    what this peer serves of a game it is downloading, or null
     * @param allDownloading the same, for every download running
     */
    ServedContent(Supplier<GameLibrary> libraries, Supplier<PeerTransport> transports, OperationState operations,
            Runnable changed, java.util.function.Function<String, OwnOffer> downloading,
            Supplier<List<OwnOffer>> allDownloading) {
        this.libraries = libraries;
        this.transports = transports;
        this.operations = operations;
        this.changed = changed;
        this.downloading = downloading;
        this.allDownloading = allDownloading;
    }

    /** The verified chunks of the versions this peer is downloading: served while it downloads them. */
    @Override
    public List<PartialOffer> partialOffers() {
        return allDownloading.get().stream().map(OwnOffer::offer).toList();
    }

    @Override
    public Optional<PartialContent> partial(String gameId) {
        return Optional.ofNullable(downloading.apply(gameId));
    }

    Offer offer(String gameId) {
        return offers.get(gameId);
    }

    /** Records a verdict (with its manifest when it passed) and tells peers what that changes. */
    void offer(String gameId, Offer offer, GameManifest manifest) {
        if (manifest != null) {
            manifests.put(gameId, manifest);
        }
        if (!offer.equals(offers.put(gameId, offer))) {
            reannounce(gameId);
            changed.run();
        }
    }

    /** Forgets a verdict: the game's files changed or are gone; it is not offered until checked again. */
    void withdraw(String gameId) {
        if (offers.remove(gameId) != null) {
            reannounce(gameId);
            changed.run();
        }
    }

    /**
     * A chunk about to be served no longer matched the manifest: the version is withdrawn at once and the game shown
     * damaged ("needs repair"); the library records it, so it stays so after a restart until a file changes.
     */
    @Override
    public void damaged(String gameId, String version, String path, int chunk, String problem) {
        LOG.warning(gameId + " " + version + ": " + problem + "; no longer offered to peers");
        GameLibrary lib = libraries.get();
        try {
            if (lib != null) {
                lib.recordDamage(gameId, problem);
            }
        } catch (IOException | IllegalStateException e) {
            LOG.warning("cannot record the damage of " + gameId + ": " + e.getMessage());
        }
        offer(gameId, new Offer(version, ArchiveCheck.failed(problem), null), null);
    }

    /** The failed verdict on the game's downloaded version, or null: what makes it "damaged". */
    ArchiveCheck failedCheck(LocalGame game) {
        Offer offer = game.availability().downloaded() ? offers.get(game.id()) : null;
        return offer != null && !offer.check().passed() && offer.version().equals(game.downloadedVersion())
                ? offer.check() : null;
    }

    @Override
    public List<AnnouncedGame> announced() {
        GameLibrary lib = libraries.get();
        return lib == null ? List.of() : lib.snapshot().games().values().stream().filter(this::served)
                .map(this::announcement).toList();
    }

    @Override
    public Optional<GameManifest> manifest(String gameId) {
        GameLibrary library = libraries.get();
        LocalGame game = library.snapshot().games().get(gameId);
        if (game == null || !served(game)) {
            return Optional.empty();
        }
        GameManifest cached = manifests.get(gameId);
        if (cached != null && cached.version().equals(game.downloadedVersion())) {
            return Optional.of(cached);
        }
        try {
            GameManifest manifest = library.manifest(gameId);
            manifests.put(gameId, manifest);
            return Optional.of(manifest);
        } catch (IOException | IllegalStateException e) {
            LOG.warning("cannot make the manifest of " + gameId + ": " + e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public Optional<Path> gameFolder(String gameId) {
        GameLibrary library = libraries.get();
        LocalGame game = library.snapshot().games().get(gameId);
        return game != null && served(game) ? Optional.of(library.gameDirectory().resolve(gameId))
                : Optional.empty();
    }

    boolean served(LocalGame game) {
        if (!game.availability().downloaded() || operations.isActive(game.id())) {
            return false;
        }
        Offer offer = offers.get(game.id());
        return offer != null && offer.check().passed() && offer.version().equals(game.downloadedVersion());
    }

    private AnnouncedGame announcement(LocalGame game) {
        Offer offer = offers.get(game.id());
        return new AnnouncedGame(game.id(), game.downloadedVersion(), game.downloadBytes(),
                offer == null ? null : offer.content());
    }

    /** Forgets changed games' manifests and tells peers; active games are withheld until their operation ends. */
    void libraryChanged(LibraryDelta delta) {
        delta.changed().forEach(g -> manifests.remove(g.id()));
        delta.removed().forEach(manifests::remove);
        PeerTransport server = transports.get();
        if (server != null) {
            List<AnnouncedGame> changed = new ArrayList<>();
            Set<String> removed = new HashSet<>(delta.removed());
            for (LocalGame game : delta.changed()) {
                if (served(game)) {
                    changed.add(announcement(game));
                } else {
                    removed.add(game.id());
                }
            }
            if (!changed.isEmpty() || !removed.isEmpty()) {
                server.announce(changed, removed);
            }
        }
    }

    /** Tells peers the game's current served state (after an operation ended, or when one starts). */
    void reannounce(String gameId) {
        PeerTransport server = transports.get();
        if (server == null) {
            return;
        }
        LocalGame game = libraries.get().snapshot().games().get(gameId);
        if (game != null && served(game)) {
            server.announce(List.of(announcement(game)), Set.of());
        } else {
            server.announce(List.of(), Set.of(gameId));
        }
    }

    /** The game directory was switched: forgets every manifest and tells peers the new directory's games. */
    void directorySwitched(Set<String> before, boolean changed) {
        manifests.clear();
        if (!changed) {
            return;
        }
        offers.clear(); // the checker makes the new directory's offers once their archives passed
        PeerTransport server = transports.get();
        if (server != null) {
            server.announce(List.of(), before);
        }
        this.changed.run();
    }
}
