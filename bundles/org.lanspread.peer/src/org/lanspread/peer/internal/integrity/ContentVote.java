package org.lanspread.peer.internal.integrity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import org.lanspread.api.transport.PeerId;

/**
 * Which content of a version a download takes when peers disagree about it: the content that most of the complete
 * peers offering that version hold; on a tie, the one more of them announced (announcing peers offer only what passed
 * their archives' own checks); then the lowest content hash, so that every downloader decides alike. One download
 * never mixes chunks of different contents.
 */
public final class ContentVote {

    private ContentVote() {
    }

    /**
     * What one peer offers of the version.
     *
     * @param content   its content hash, or null while unknown (a protocol 1.0 peer whose manifest was not read yet)
     * @param announced whether the peer announced the hash itself (protocol 1.1), rather than it being computed from
     *                  the manifest it sent
     */
    public record Offer(String content, boolean announced) {
    }

    /**
     * The decision.
     *
     * @param content the content taken, or null when no offer's content is known
     * @param groups  every known content with its peers, the taken one first, then by size
     */
    public record Choice(String content, Map<String, List<PeerId>> groups) {

        public boolean disagreement() {
            return groups.size() > 1;
        }

        /** The peers offering another content than the one taken. */
        public List<PeerId> others() {
            List<PeerId> others = new ArrayList<>();
            groups.forEach((content, peers) -> {
                if (!content.equals(this.content)) {
                    others.addAll(peers);
                }
            });
            return others;
        }

        /** For people: which peers offer which content, and which is taken. */
        public String describe(String gameId, String version, Function<PeerId, String> names) {
            StringBuilder text = new StringBuilder("peers disagree about the content of " + gameId + " " + version + ":");
            groups.forEach((content, peers) -> text.append(content.equals(this.content) ? " taken: " : " other: ")
                    .append(peers.size()).append(" peer(s) (")
                    .append(String.join(", ", peers.stream().map(names).toList())).append(") offer content ")
                    .append(content, 0, 12).append(';'));
            text.setLength(text.length() - 1);
            return text.toString();
        }
    }

    public static Choice choose(Map<PeerId, Offer> offers) {
        Map<String, List<PeerId>> groups = new TreeMap<>();
        Map<String, Integer> announced = new TreeMap<>();
        offers.forEach((peer, offer) -> {
            if (offer.content() != null) {
                groups.computeIfAbsent(offer.content(), c -> new ArrayList<>()).add(peer);
                announced.merge(offer.content(), offer.announced() ? 1 : 0, Integer::sum);
            }
        });
        Comparator<String> better = Comparator.<String>comparingInt(c -> groups.get(c).size())
                .thenComparingInt(announced::get).reversed().thenComparing(Comparator.naturalOrder());
        List<String> order = groups.keySet().stream().sorted(better).toList();
        Map<String, List<PeerId>> sorted = new LinkedHashMap<>();
        for (String content : order) {
            List<PeerId> peers = new ArrayList<>(groups.get(content));
            peers.sort(Comparator.comparing(PeerId::hex));
            sorted.put(content, List.copyOf(peers));
        }
        return new Choice(order.isEmpty() ? null : order.get(0), sorted);
    }
}
