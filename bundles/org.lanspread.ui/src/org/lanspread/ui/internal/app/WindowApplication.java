package org.lanspread.ui.internal.app;

import java.util.function.Supplier;

import org.eclipse.e4.ui.internal.workbench.swt.E4Application;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.swt.SWTError;
import org.eclipse.swt.widgets.Display;

/**
 * The window application: opens the display, then runs the e4 workbench ({@link E4Application}) on it.
 * <p>
 * GTK's {@code gtk_init_check} has failed now and then at the product's start on an X server that was up and
 * answering (Xvfb: 2 of ~60 starts, once 3 in a burst of 5, with the same environment; a bare SWT program did not
 * fail in 55 starts), and the workbench then ended with "An error has occurred. See the log file". So the display is
 * opened here first, with a few more tries over about 2 s; E4Application takes the display opened on this thread.
 * When no try succeeds, the product says which display it could not open and ends with exit code 1.
 */
public final class WindowApplication implements IApplication {

    static final int TRIES = 6;
    static final long PAUSE_MILLIS = 400;
    /** The exit code when the display cannot be opened. */
    public static final Integer NO_DISPLAY = 1;

    private volatile IApplication workbench;

    @Override
    public Object start(IApplicationContext context) throws Exception {
        Display display = open(Display::new, TRIES, PAUSE_MILLIS);
        if (display == null) {
            System.err.println("LanSpread: cannot open the display '" + System.getenv("DISPLAY") + "': GTK could not "
                    + "connect to it (" + TRIES + " tries in " + (TRIES - 1) * PAUSE_MILLIS / 1000.0 + " s). Is DISPLAY "
                    + "set, and is the X server running and accepting this user? Without a display, "
                    + "'lanspread headless' runs the peer.");
            return NO_DISPLAY;
        }
        IApplication e4 = new E4Application();
        workbench = e4;
        return e4.start(context);
    }

    @Override
    public void stop() {
        IApplication e4 = workbench;
        if (e4 != null) {
            e4.stop();
        }
    }

    /** Opens a display with up to {@code tries} tries, {@code pauseMillis} apart; null if none succeeded. */
    static Display open(Supplier<Display> opener, int tries, long pauseMillis) throws InterruptedException {
        for (int attempt = 1;; attempt++) {
            try {
                return opener.get();
            } catch (SWTError e) {
                if (attempt >= tries) {
                    return null;
                }
                System.err.println("LanSpread: opening the display failed (" + e.getMessage() + "), try " + attempt
                        + " of " + tries + "; trying again");
                Thread.sleep(pauseMillis);
            }
        }
    }
}
