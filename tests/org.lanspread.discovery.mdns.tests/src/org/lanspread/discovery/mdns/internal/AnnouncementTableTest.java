package org.lanspread.discovery.mdns.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;
import org.lanspread.api.discovery.DiscoveredPeer;
import org.lanspread.api.transport.PeerId;

/** The bounded table of announcements: one host announcing hundreds forgets its own, not another host's peers. */
class AnnouncementTableTest {

    private static DiscoveredPeer peer(int n, int host) throws Exception {
        InetAddress address = InetAddress.getByAddress(new byte[] {10, (byte) 214, 0, (byte) host});
        return new DiscoveredPeer(new PeerId(String.format("%064x", n)), new InetSocketAddress(address, 20000 + n), 1,
                "peer-" + n);
    }

    @Test
    void aFloodingHostForgetsItsOwnOldestNotTheOtherHostsPeers() throws Exception {
        AnnouncementTable table = new AnnouncementTable(16);
        DiscoveredPeer seed = peer(1, 2);
        table.put("LanSpread seed", seed); // the oldest record of all
        for (int i = 0; i < 1000; i++) {
            table.put("fake " + i, peer(100 + i, 3));
            assertTrue(table.size() <= 16, "bounded: " + table.size());
        }
        assertEquals(seed, table.find(seed.id()).orElseThrow(), "the seed is still known after 1,000 fakes");
        assertEquals(1000 - 15, table.evicted());
        assertTrue(table.find(peer(100, 3).id()).isEmpty(), "the flood's oldest went first");
        assertTrue(table.find(peer(1099, 3).id()).isPresent(), "its newest stays");

        // A newcomer on a third host takes the flood's place too.
        DiscoveredPeer newcomer = peer(2, 4);
        table.put("LanSpread newcomer", newcomer);
        assertEquals(newcomer, table.find(newcomer.id()).orElseThrow());
        assertEquals(seed, table.find(seed.id()).orElseThrow());
        assertEquals(16, table.size());
    }

    @Test
    void aNameAnnouncedAgainReplacesItsRecordWithoutEvictingAnother() throws Exception {
        AnnouncementTable table = new AnnouncementTable(2);
        table.put("a", peer(1, 2));
        table.put("b", peer(2, 3));
        assertEquals(peer(1, 2), table.put("a", peer(3, 2)).orElseThrow(), "the name's previous announcement");
        assertEquals(0, table.evicted());
        assertEquals(peer(2, 3), table.find(peer(2, 3).id()).orElseThrow());
        assertEquals(peer(2, 3), table.remove("b"));
        assertEquals(1, table.size());
        // two hosts with one record each: the older record makes room
        table.put("c", peer(4, 5));
        assertEquals(peer(3, 2), table.put("d", peer(5, 6)).orElseThrow());
        assertEquals(1, table.evicted());
        assertTrue(table.find(peer(4, 5).id()).isPresent());
    }
}
