package org.lanspread.peer.internal;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import org.lanspread.api.library.GameIds;
import org.lanspread.api.library.GameManifest;
import org.lanspread.api.transport.PeerId;
import org.lanspread.api.transport.TransportException;
import org.lanspread.peer.internal.integrity.ContentVote;
import org.lanspread.peer.internal.swarm.SwarmView;

/**
 * The sources of one download: which connected peers offer the version and with what content (see
 * {@link ContentVote}), the manifest of the content taken, the peers still downloading that content that serve what
 * they hold (partial offers), and the {@link SwarmView} the chunk picker weighs.
 */
final class DownloadSources {

    private static final Logger LOG = Logger.getLogger(DownloadSources.class.getName());
    static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

    private final String gameId;
    private final String version;
    private final PeerDirectory directory;
    private final PeerConnections connections;
    private final Download.Disagreement disagreement;
    /** The content taken; null until the manifest is chosen. */
    private volatile String content;
    /** Content hashes of peers that do not announce one (protocol 1.0), from the manifest each sent; "" if none. */
    private final Map<PeerId, String> computed = new ConcurrentHashMap<>();
    /** Peers already reported as offering another content. */
    private final Set<PeerId> reported = ConcurrentHashMap.newKeySet();
    private volatile String disagreementMessage;
    /** The content to take when some peer offers it, whatever the majority offers (a repair's own content). */
    private volatile String preferred;

    DownloadSources(String gameId, String version, PeerDirectory directory, PeerConnections connections,
            Download.Disagreement disagreement) {
        this.gameId = gameId;
        this.version = version;
        this.directory = directory;
        this.connections = connections;
        this.disagreement = disagreement;
    }

    /** Takes {@code content} when any peer offers it (a repair needs the content this peer has), else the majority's. */
    void prefer(String content) {
        this.preferred = content;
    }

    /** The content taken, or null before the manifest is chosen. */
    String content() {
        return content;
    }

    /** The last report of peers disagreeing, or null. */
    String disagreementMessage() {
        return disagreementMessage;
    }

    /** The peers downloading the content taken, with the chunks each holds (one bitmap per file). */
    Map<PeerId, List<BitSet>> partialPeers() {
        String taken = content;
        return taken == null ? Map.of() : directory.partialHolders(gameId, version, taken);
    }

    /** Who holds what now, among the peers {@code usable} accepts. */
    SwarmView view(GameManifest manifest, java.util.function.Predicate<PeerId> usable) {
        Set<PeerId> complete = new HashSet<>();
        offeringPeers().stream().filter(usable).forEach(complete::add);
        Map<PeerId, List<BitSet>> partial = new java.util.HashMap<>();
        partialPeers().forEach((peer, bits) -> {
            if (usable.test(peer) && !complete.contains(peer)) {
                partial.put(peer, bits);
            }
        });
        return new SwarmView(manifest, complete, partial);
    }

    /** What each connected peer offers of this version: its content hash, announced or computed, or null. */
    Map<PeerId, ContentVote.Offer> offers() {
        Map<PeerId, ContentVote.Offer> result = new java.util.LinkedHashMap<>();
        directory.offering(gameId).forEach((peer, game) -> {
            if (game.version().equals(version)) {
                String known = game.content() != null ? game.content() : computed.get(peer);
                result.put(peer, new ContentVote.Offer(known == null || known.isEmpty() ? null : known,
                        game.content() != null));
            }
        });
        return result;
    }

    /** The peers to fetch from: those offering the version, and once the content is chosen, that content. */
    Set<PeerId> offeringPeers() {
        Set<PeerId> result = new HashSet<>();
        String taken = content;
        offers().forEach((peer, offer) -> {
            if (taken == null || taken.equals(offer.content())) {
                result.add(peer);
            }
        });
        return result;
    }

    /**
     * Reads the manifest of every offering peer that announces no content hash and was not read yet, to learn its
     * content; returns those manifests by content hash.
     */
    Map<String, GameManifest> learnContents(CancelToken token, List<String> problems) {
        Map<String, GameManifest> manifests = new java.util.HashMap<>();
        offers().forEach((peer, offer) -> {
            if (offer.content() != null || computed.containsKey(peer) || token.isCancelled()) {
                return;
            }
            try {
                GameManifest manifest = connections.get(peer).manifest(gameId);
                String problem = problem(manifest);
                if (problem == null) {
                    computed.put(peer, manifest.contentHash());
                    manifests.putIfAbsent(manifest.contentHash(), manifest);
                } else {
                    computed.put(peer, "");
                    problems.add("peer " + peer.shortForm() + ": " + problem);
                }
            } catch (TransportException e) {
                problems.add("peer " + peer.shortForm() + ": " + e.getMessage()); // asked again on the next pass
            }
        });
        return manifests;
    }

    /** Reports peers offering another content than the one taken, each once. */
    void reportDisagreement() {
        String taken = content;
        if (taken == null) {
            return;
        }
        ContentVote.Choice choice = ContentVote.choose(offers());
        if (!taken.equals(choice.content()) && choice.groups().containsKey(taken)) {
            // the majority moved while downloading: this download keeps the content it took, never mixing
            choice = new ContentVote.Choice(taken, choice.groups());
        }
        List<PeerId> fresh = choice.others().stream().filter(reported::add).toList();
        if (!fresh.isEmpty()) {
            String message = choice.describe(gameId, version, directory::describe);
            disagreementMessage = message;
            LOG.warning(message);
            disagreement.reported(message, fresh);
        }
    }

    /**
     * The manifest of the content taken (see {@link ContentVote}), from a peer that holds it and whose manifest hashes to
     * it; null when cancelled or nobody offers the version any more.
     */
    GameManifest fetchManifest(CancelToken token) throws Download.DownloadException, InterruptedException {
        List<String> problems = new ArrayList<>();
        for (int attempt = 0; attempt < 3 && !token.isCancelled(); attempt++) {
            if (offers().isEmpty()) {
                return null;
            }
            Map<String, GameManifest> learned = learnContents(token, problems);
            ContentVote.Choice choice = ContentVote.choose(offers());
            String wanted = preferred;
            if (wanted != null && !wanted.equals(choice.content()) && choice.groups().containsKey(wanted)) {
                choice = new ContentVote.Choice(wanted, choice.groups());
            }
            if (choice.content() != null) {
                content = choice.content();
                reportDisagreement();
                GameManifest known = learned.get(content);
                if (known != null) {
                    return known;
                }
                for (PeerId peer : choice.groups().get(content)) {
                    if (token.isCancelled()) {
                        return null;
                    }
                    try {
                        GameManifest manifest = connections.get(peer).manifest(gameId);
                        String problem = problem(manifest);
                        if (problem == null && !manifest.contentHash().equals(content)) {
                            problem = "its manifest hashes to content " + manifest.contentHash().substring(0, 12)
                                    + ", not the " + content.substring(0, 12) + " it announces";
                        }
                        if (problem == null) {
                            return manifest;
                        }
                        problems.add("peer " + peer.shortForm() + ": " + problem);
                    } catch (TransportException e) {
                        problems.add("peer " + peer.shortForm() + ": " + e.getMessage());
                    }
                }
            }
            Thread.sleep(500);
        }
        if (token.isCancelled()) {
            return null;
        }
        throw new Download.DownloadException("no peer gave a usable manifest of " + gameId + " " + version + ": "
                + String.join("; ", problems), null);
    }

    /** What is wrong with a manifest a peer sent, or null. */
    String problem(GameManifest manifest) {
        if (!gameId.equals(manifest.gameId()) || !version.equals(manifest.version())) {
            return "the manifest is for " + manifest.gameId() + " " + manifest.version();
        }
        if (manifest.chunkSize() <= 0 || manifest.chunkSize() > MAX_CHUNK_SIZE) {
            return "chunk size " + manifest.chunkSize() + " is out of range";
        }
        boolean versionIni = false;
        Set<String> seen = new HashSet<>();
        for (GameManifest.ManifestFile file : manifest.files()) {
            String path = file.path();
            if (path == null || path.startsWith(".") || path.equals("local") || !GameIds.isValid(path)
                    || !seen.add(path)) {
                return "'" + path + "' is not a plain file name of a game folder";
            }
            long expected = (file.size() + manifest.chunkSize() - 1) / manifest.chunkSize();
            if (file.size() < 0 || file.chunks().size() != expected
                    || file.chunks().stream().anyMatch(h -> h == null || !h.matches("[0-9a-f]{64}"))) {
                return "'" + path + "' has " + file.chunks().size() + " chunk hashes for " + file.size() + " bytes";
            }
            versionIni |= path.equals(DownloadStaging.VERSION_INI);
        }
        return versionIni ? null : "it lists no version.ini";
    }

}
