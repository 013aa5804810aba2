package org.lanspread.ui.internal.app;

import java.io.IOException;
import java.util.Collection;

import org.eclipse.osgi.service.datalocation.Location;
import org.lanspread.api.runtime.PeerRuntime;
import org.lanspread.api.runtime.RuntimeStatus;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * One LanSpread per data directory: a second window on a directory another LanSpread holds says so itself, naming
 * the directory and the process (as the runtime found them in its state lock), before the workbench would refuse
 * with its own generic "workspace in use" message.
 */
final class SingleInstance {

    /** How long the runtime is given to say who holds its state lock. */
    static final long RUNTIME_WAIT_MILLIS = 10_000;

    private SingleInstance() {
    }

    /** Why this window cannot start because another LanSpread holds its data directory, or null when it can. */
    static String refusal(BundleContext context) throws InterruptedException {
        Location instance = instanceLocation(context);
        try {
            if (instance == null || instance.getURL() == null || !instance.isLocked()) {
                return null;
            }
        } catch (IOException e) {
            return null; // the workbench tries the lock itself and says what it finds
        }
        String directory = instance.getURL().getPath();
        ServiceTracker<PeerRuntime, PeerRuntime> tracker = new ServiceTracker<>(context, PeerRuntime.class, null);
        tracker.open();
        try {
            PeerRuntime runtime = tracker.waitForService(RUNTIME_WAIT_MILLIS);
            long deadline = System.nanoTime() + RUNTIME_WAIT_MILLIS * 1_000_000L;
            while (runtime != null && runtime.status().state() == RuntimeStatus.State.STARTING
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            RuntimeStatus status = runtime == null ? null : runtime.status();
            if (status != null && status.state() == RuntimeStatus.State.FAILED
                    && RuntimeStatus.STATE_LOCK.equals(status.component())) {
                return status.error();
            }
            return "the data directory " + directory + " is in use by another LanSpread; only one may use it at a "
                    + "time";
        } finally {
            tracker.close();
        }
    }

    private static Location instanceLocation(BundleContext context) {
        try {
            Collection<ServiceReference<Location>> refs = context.getServiceReferences(Location.class,
                    "(type=osgi.instance.area)");
            return refs.isEmpty() ? null : context.getService(refs.iterator().next());
        } catch (InvalidSyntaxException e) {
            return null;
        }
    }
}
