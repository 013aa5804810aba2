package org.lanspread.ui.internal.app;

import java.awt.SplashScreen;
import java.util.logging.Logger;

/**
 * The splash image the start script has the JVM show (its {@code -splash:} option) until the window is up, or until
 * a first-start dialog needs the screen. Closing it touches only the JVM's splash screen, not the AWT toolkit.
 */
public final class Splash {

    private static final Logger LOG = Logger.getLogger(Splash.class.getName());

    private Splash() {
    }

    /** Closes the splash when one is showing; any later call does nothing. */
    public static synchronized void close() {
        try {
            SplashScreen splash = SplashScreen.getSplashScreen();
            if (splash != null && splash.isVisible()) {
                splash.close();
                LOG.fine("splash closed");
            }
        } catch (UnsupportedOperationException | IllegalStateException | LinkageError e) { // HeadlessException too
            // no splash here (headless, no -splash option, or no AWT in this runtime)
        }
    }
}
