package org.lanspread.transport.quic.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

/** The upload budget on its own, with a clock the test moves: shares, order, release and the stall rules. */
class UploadBudgetTest {

    private static final long MIB = 1 << 20;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final UploadBudget budget = new UploadBudget(now::get, 32 * MIB, 16 * MIB);

    private void advance(double seconds) {
        now.addAndGet((long) (seconds * 1e9));
    }

    /** Requests {@code count} chunks of 4 MiB for {@code account}; returns the leases granted so far (and later). */
    private List<UploadBudget.Lease> request(UploadBudget.Account account, int count) {
        List<UploadBudget.Lease> leases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            budget.request(account, 4 * MIB, leases::add);
        }
        return leases;
    }

    @Test
    void aConnectionGetsItsShareAndWaitsForItsOwnBytesToLeave() {
        UploadBudget.Account a = budget.open("a", () -> {
        });
        List<UploadBudget.Lease> leases = request(a, 6);
        assertEquals(4, leases.size(), "16 MiB: four chunks at once");
        assertEquals(16 * MIB, budget.held());
        leases.get(0).release();
        leases.get(0).release(); // idempotent
        assertEquals(5, leases.size(), "one left, the next was read");
        assertEquals(16 * MIB, budget.held());
    }

    @Test
    void theBudgetIsSharedAndAReaderGoesBeforeThoseHoldingMore() {
        UploadBudget.Account slow1 = budget.open("slow1", () -> {
        });
        UploadBudget.Account slow2 = budget.open("slow2", () -> {
        });
        List<UploadBudget.Lease> first = request(slow1, 60);
        List<UploadBudget.Lease> second = request(slow2, 60);
        assertEquals(4, first.size());
        assertEquals(4, second.size(), "32 MiB among two: 16 each");
        UploadBudget.Account reader = budget.open("reader", () -> {
        });
        List<UploadBudget.Lease> read = request(reader, 4);
        assertEquals(0, read.size(), "the whole budget is held");
        first.get(0).release();
        assertEquals(1, read.size(), "the freed chunk goes to the connection holding least");
        assertEquals(4, first.size(), "not back to the one that held most");
        assertTrue(budget.peak() <= 32 * MIB);
    }

    @Test
    void aConnectionHoldingBytesAndTakingNoneIsClosedAndUnderPressureSooner() {
        AtomicBoolean slowClosed = new AtomicBoolean();
        AtomicBoolean readerClosed = new AtomicBoolean();
        UploadBudget.Account slow = budget.open("slow", () -> slowClosed.set(true));
        UploadBudget.Account reader = budget.open("reader", () -> readerClosed.set(true));
        request(slow, 4);
        List<UploadBudget.Lease> read = request(reader, 2);
        advance(UploadBudget.STALL_UNDER_PRESSURE.toSeconds() + 1);
        read.forEach(UploadBudget.Lease::progress);
        budget.sweep();
        assertFalse(slowClosed.get(), "no one waits for the budget: not yet");
        advance(UploadBudget.STALL.toSeconds());
        read.forEach(UploadBudget.Lease::progress);
        budget.sweep();
        assertTrue(slowClosed.get(), "held bytes and took none for longer than the stall bound");
        assertFalse(readerClosed.get());
        assertEquals(1, budget.stallsClosed());

        // Under pressure: someone waits for the budget; the one that took nothing for 2 s is closed first.
        AtomicBoolean hogClosed = new AtomicBoolean();
        UploadBudget other = new UploadBudget(now::get, 16 * MIB, 16 * MIB);
        UploadBudget.Account hog = other.open("hog", () -> hogClosed.set(true));
        List<UploadBudget.Lease> hogs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            other.request(hog, 4 * MIB, hogs::add);
        }
        UploadBudget.Account waiting = other.open("waiting", () -> {
        });
        List<UploadBudget.Lease> waited = new ArrayList<>();
        other.request(waiting, 4 * MIB, waited::add);
        assertEquals(0, waited.size());
        advance(UploadBudget.STALL_UNDER_PRESSURE.toSeconds() + 0.5);
        other.sweep();
        assertTrue(hogClosed.get(), "closed after 2 s while another connection waited");
        other.closed(hog);
        hogs.forEach(UploadBudget.Lease::release); // as its writes fail with the connection
        assertEquals(1, waited.size(), "the waiting connection gets the bytes");
        assertEquals(4 * MIB, other.held());
    }
}
