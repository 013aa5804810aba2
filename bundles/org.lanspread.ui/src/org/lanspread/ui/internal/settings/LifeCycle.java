package org.lanspread.ui.internal.settings;

import java.util.logging.Logger;

import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.ui.workbench.lifecycle.PostContextCreate;
import org.eclipse.swt.widgets.Display;
import org.lanspread.api.runtime.PeerRuntime;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The application's life cycle hook: on a first start (no game directory chosen or given yet) it asks for the game
 * directory before the main window opens. Cancel keeps the default for this run and asks again next time.
 */
public class LifeCycle {

    private static final Logger LOG = Logger.getLogger(LifeCycle.class.getName());

    @PostContextCreate
    void postContextCreate(IEclipseContext context) {
        PeerRuntime runtime = runtime();
        if (runtime == null || runtime.settings().confirmed()) {
            return;
        }
        org.lanspread.ui.internal.app.Splash.close(); // the dialog needs the screen
        Display.getDefault(); // the workbench's display, made here when it does not exist yet
        PreferencesDialog dialog = new PreferencesDialog(null, runtime, Extractors.ids(), true);
        if (dialog.open() != PreferencesDialog.OK) {
            LOG.info("first start: no game directory chosen; using " + runtime.gameDirectory() + " for now");
        }
    }

    /** The runtime, waiting briefly while its bundle activates (the window opens without it after 10 s). */
    private static PeerRuntime runtime() {
        BundleContext bundleContext = FrameworkUtil.getBundle(LifeCycle.class).getBundleContext();
        ServiceTracker<PeerRuntime, PeerRuntime> tracker = new ServiceTracker<>(bundleContext, PeerRuntime.class, null);
        tracker.open();
        try {
            return tracker.waitForService(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            tracker.close();
        }
    }
}
