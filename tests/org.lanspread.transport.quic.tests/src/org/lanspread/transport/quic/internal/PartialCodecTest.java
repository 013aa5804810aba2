package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.BitSet;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.lanspread.api.transport.ChunkRef;
import org.lanspread.api.transport.PartialOffer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The partial-offer messages: what is written is read back, and a message breaking a rule is ignored. */
class PartialCodecTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONTENT = "0123456789abcdef".repeat(4);

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text.replace('\'', '"'));
    }

    @Test
    void whatIsWrittenIsReadBack() throws Exception {
        BitSet bits = new BitSet();
        bits.set(3);
        bits.set(70_000);
        PartialOffer offer = new PartialOffer("quake3", "1", CONTENT, List.of(bits, new BitSet()), 300L << 30,
                75_000);
        PartialOffer read = PartialCodec.offer(JSON.readTree(PartialCodec.partial(offer).toString()));
        assertEquals(offer.have(), read.have());
        assertEquals(2, read.held());
        assertEquals(300L << 30, read.sizeBytes());
        assertEquals(75_000, read.chunks());
        List<ChunkRef> chunks = List.of(new ChunkRef(0, 4), new ChunkRef(1, 0));
        assertEquals(chunks, PartialCodec.chunks(JSON.readTree(PartialCodec.have("quake3", "1", chunks).toString())));
    }

    @Test
    void aMessageBreakingARuleIsIgnored() throws Exception {
        String good = "{'type':'partial','gameId':'quake3','version':'1','content':'" + CONTENT + "','have':['CA==']}";
        assertEquals(1, PartialCodec.offer(json(good)).held());
        assertNull(PartialCodec.offer(json(good.replace(CONTENT, "XYZ"))), "a content that is no hash");
        assertNull(PartialCodec.offer(json(good.replace("quake3", "../etc"))), "a game id that is no folder name");
        assertNull(PartialCodec.offer(json(good.replace("'CA=='", "'not base64!'"))), "a bitmap that is no base64");
        assertNull(PartialCodec.offer(json(good.replace("'CA=='", "7"))), "a bitmap that is no string");
        PartialOffer older = PartialCodec.offer(json(good));
        assertEquals(0, older.sizeBytes(), "an offer without the whole's size (a 1.1 peer before it was added)");
        assertEquals(0, older.chunks());
        String sized = good.replace("'have'", "'size':9000000,'totalChunks':3,'have'");
        assertEquals(3, PartialCodec.offer(json(sized)).chunks());
        assertNull(PartialCodec.offer(json(sized.replace("9000000", "-1"))), "a negative size");
        assertNull(PartialCodec.offer(json(sized.replace("9000000", "'9000000'"))), "a size that is a string");
        assertNull(PartialCodec.offer(json(sized.replace(":3,", ":3.5,"))), "a fraction of a chunk");
        assertNull(PartialCodec.offer(json(sized.replace(":3,", ":4294967296,"))), "more chunks than an int");
        String have = "{'type':'have','gameId':'quake3','version':'1','chunks':[[0,1]]}";
        assertEquals(List.of(new ChunkRef(0, 1)), PartialCodec.chunks(json(have)));
        assertNull(PartialCodec.chunks(json(have.replace("[0,1]", "[0,-1]"))), "a negative index");
        assertNull(PartialCodec.chunks(json(have.replace("[0,1]", "[0,1.5]"))), "a fraction");
        assertNull(PartialCodec.chunks(json(have.replace("[0,1]", "[0,'1']"))), "a string");
        assertNull(PartialCodec.chunks(json(have.replace("[0,1]", "[0,1,2]"))), "three numbers");
        assertNull(PartialCodec.chunks(json(have.replace("[0,1]", "[0,4294967296]"))), "beyond an int");
    }
}
