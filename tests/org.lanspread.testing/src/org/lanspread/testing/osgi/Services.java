package org.lanspread.testing.osgi;

import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/** Waits for OSGi services the way a consumer would see them. */
public final class Services {

    private static final long TIMEOUT_MILLIS = 10_000;

    private Services() {
    }

    /** The service of {@code type}, waiting up to 10 s; fails with a message naming it. */
    public static <T> T await(Class<T> type) {
        return await(type, null);
    }

    /** The service of {@code type} matching the LDAP {@code filter} (may be null), waiting up to 10 s. */
    public static <T> T await(Class<T> type, String filter) {
        BundleContext context = FrameworkUtil.getBundle(Services.class).getBundleContext();
        ServiceTracker<T, T> tracker;
        try {
            tracker = filter == null ? new ServiceTracker<>(context, type, null)
                    : new ServiceTracker<>(context,
                            context.createFilter("(&(objectClass=" + type.getName() + ")" + filter + ")"), null);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException("bad filter " + filter, e);
        }
        tracker.open();
        try {
            T service = tracker.waitForService(TIMEOUT_MILLIS);
            if (service == null) {
                throw new AssertionError(type.getName() + (filter == null ? "" : " " + filter)
                        + " was not registered within " + TIMEOUT_MILLIS / 1000 + " s");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getName(), e);
        } finally {
            tracker.close();
        }
    }
}
