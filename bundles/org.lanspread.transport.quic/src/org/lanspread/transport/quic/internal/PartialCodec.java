package org.lanspread.transport.quic.internal;

import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.List;
import java.util.regex.Pattern;

import org.lanspread.api.library.GameIds;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialOffer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The partial-offer messages of protocol 1.1: {@code partial} (a version being downloaded and a bitmap per file of
 * the chunks held), {@code have} (chunks newly held) and {@code partial-end}. A message that breaks a rule is
 * ignored (null), as an unknown field would be: it can cost a downloader a source, never a wrong byte, since every
 * chunk is checked against the manifest anyway.
 */
final class PartialCodec {

    /** Files per partial offer, and chunk references per {@code have}. */
    static final int MAX_FILES = 65_536;
    static final int MAX_CHUNKS_PER_HAVE = 65_536;
    /** Bytes of one file's bitmap: 2^20 bytes = 8 Mi chunks = 32 TiB at 4 MiB chunks. */
    static final int MAX_BITMAP_BYTES = 1 << 20;
    private static final Pattern CONTENT = Pattern.compile("[0-9a-f]{64}");
    private static final ObjectMapper JSON = new ObjectMapper();

    private PartialCodec() {
    }

    static ObjectNode partial(PartialOffer offer) {
        ObjectNode message = JSON.createObjectNode().put("type", "partial").put("gameId", offer.gameId())
                .put("version", offer.version()).put("content", offer.content());
        if (offer.chunks() > 0) {
            message.put("size", offer.sizeBytes()).put("totalChunks", offer.chunks());
        }
        ArrayNode have = message.putArray("have");
        offer.have().forEach(bits -> have.add(Base64.getEncoder().encodeToString(bits.toByteArray())));
        return message;
    }

    static ObjectNode have(String gameId, String version, List<ChunkRef> chunks) {
        ObjectNode message = JSON.createObjectNode().put("type", "have").put("gameId", gameId).put("version", version);
        ArrayNode list = message.putArray("chunks");
        chunks.forEach(c -> list.addArray().add(c.file()).add(c.chunk()));
        return message;
    }

    static ObjectNode end(String gameId) {
        return JSON.createObjectNode().put("type", "partial-end").put("gameId", gameId);
    }

    /** The offer in a {@code partial} message, or null when it breaks a rule. */
    static PartialOffer offer(JsonNode message) {
        String gameId = text(message, "gameId");
        String version = text(message, "version");
        String content = text(message, "content");
        JsonNode have = message.get("have");
        long size = count(message, "size", Long.MAX_VALUE);
        long chunks = count(message, "totalChunks", Integer.MAX_VALUE);
        if (size < 0 || chunks < 0 || gameId == null || !GameIds.isValid(gameId) || version == null || content == null
                || !CONTENT.matcher(content).matches() || have == null || !have.isArray()
                || have.size() > MAX_FILES) {
            return null;
        }
        List<BitSet> bitmaps = new ArrayList<>();
        for (JsonNode file : have) {
            if (!file.isTextual() || file.asText().length() > MAX_BITMAP_BYTES / 3 * 4 + 4) {
                return null;
            }
            try {
                bitmaps.add(BitSet.valueOf(Base64.getDecoder().decode(file.asText())));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return new PartialOffer(gameId, version, content, bitmaps, size, (int) chunks);
    }

    /** The chunks of a {@code have} message, or null when it breaks a rule. */
    static List<ChunkRef> chunks(JsonNode message) {
        JsonNode list = message.get("chunks");
        if (text(message, "gameId") == null || text(message, "version") == null || list == null || !list.isArray()
                || list.size() > MAX_CHUNKS_PER_HAVE) {
            return null;
        }
        List<ChunkRef> chunks = new ArrayList<>(list.size());
        for (JsonNode pair : list) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).canConvertToInt() || !pair.get(1).canConvertToInt()
                    || !pair.get(0).isIntegralNumber() || !pair.get(1).isIntegralNumber()
                    || pair.get(0).asInt() < 0 || pair.get(1).asInt() < 0) {
                return null;
            }
            chunks.add(new ChunkRef(pair.get(0).asInt(), pair.get(1).asInt()));
        }
        return chunks;
    }

    /** An optional count: 0 when absent, -1 when not a JSON integer in {@code [0, max]}. */
    private static long count(JsonNode message, String field, long max) {
        JsonNode value = message.get(field);
        if (value == null) {
            return 0;
        }
        return value.isIntegralNumber() && value.canConvertToLong() && value.asLong() >= 0 && value.asLong() <= max
                ? value.asLong() : -1;
    }

    static String text(JsonNode message, String field) {
        JsonNode value = message.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
