package org.lanspread.testing.osgi;

import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeStatus;

/** The framework's {@link PeerRuntime} service, once it has started. */
public final class Runtimes {

    private Runtimes() {
    }

    /**
     * The runtime service once its start has returned: the service is registered at once and starts in the
     * background, so a test that needs the transport or the first scan waits here (up to 20 s).
     */
    public static PeerRuntime awaitStarted() {
        PeerRuntime runtime = Services.await(PeerRuntime.class);
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (runtime.status().state() == RuntimeStatus.State.STARTING) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the peer runtime did not start within 20 s: " + runtime.status());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for the peer runtime", e);
            }
        }
        return runtime;
    }
}
