package org.lanspread.ui.internal.parts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeStatus;
import org.lanspread.testing.osgi.Runtimes;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;

/**
 * What the runtime has to tell about its start reaches the window: the framework's real runtime is stopped (its peer
 * bundle), its state database overwritten with garbage, and started again; it rebuilds the state and the status bar
 * says so, in a window that was open and in one made afterwards.
 */
class StartNoticesTest {

    @Test
    void aRebuiltStateDatabaseIsToldInTheStatusBarAlsoToAWindowMadeAfterTheStart() throws Exception {
        Runtimes.awaitStarted();
        Path state = Path.of(System.getProperty("lanspread.state.dir"));
        BundleContext context = FrameworkUtil.getBundle(StartNoticesTest.class).getBundleContext();
        Bundle peer = Arrays.stream(context.getBundles()).filter(b -> b.getSymbolicName().equals("org.lanspread.peer"))
                .findFirst().orElseThrow();
        try (TestWindow open = new TestWindow(PartContexts.osgi())) {
            peer.stop(); // the runtime stops: its lock and its database are released
            byte[] garbage = new byte[16384];
            new Random(5).nextBytes(garbage);
            Files.write(state.resolve("library.db"), garbage);
            Files.deleteIfExists(state.resolve("library.db-wal"));
            Files.deleteIfExists(state.resolve("library.db-shm"));
            peer.start();
            PeerRuntime runtime = Runtimes.awaitStarted();
            assertEquals(RuntimeStatus.State.RUNNING, runtime.status().state(), runtime.status().toString());
            String notice = runtime.status().notices().stream().findFirst().orElseThrow(
                    () -> new AssertionError("no notice: " + runtime.status()));
            assertTrue(notice.contains("was damaged") && notice.contains("rebuilt from the game directory"), notice);
            open.until("the notice in the open window's status bar", () -> open.status.messageText().equals(notice));
            open.screenshot("state-rebuilt-notice");
            try (TestWindow later = new TestWindow(PartContexts.osgi())) {
                assertEquals(notice, later.status.messageText(), "a window made after the start is told too");
            }
        } finally {
            if (peer.getState() != Bundle.ACTIVE) {
                peer.start();
            }
        }
    }
}
