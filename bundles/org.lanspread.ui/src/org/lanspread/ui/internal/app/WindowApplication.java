package org.lanspread.ui.internal.app;

import java.util.function.Supplier;

import org.eclipse.e4.ui.internal.workbench.swt.E4Application;
import org.eclipse.equinox.app.IApplication;
import org.eclipse.equinox.app.IApplicationContext;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.SWTError;
import org.eclipse.swt.widgets.Display;
import org.osgi.framework.FrameworkUtil;

/**
 * The window application: opens the display, then runs the e4 workbench ({@link E4Application}) on it.
 * <p>
 * GTK's {@code gtk_init_check} has failed now and then at the product's start on an X server that was up and
 * answering (Xvfb: 2 of ~60 starts, once 3 in a burst of 5, with the same environment; a bare SWT program did not
 * fail in 55 starts), and the workbench then ended with "An error has occurred. See the log file". So the display is
 * opened here first, with a few more tries over about 2 s; E4Application takes the display opened on this thread.
 * When no try succeeds, the product says which display it could not open and ends with exit code 1. When another
 * LanSpread holds the data directory, a dialog says so (naming the directory and the other process) and the product
 * ends with exit code 4.
 */
public final class WindowApplication implements IApplication {

    static final int TRIES = 6;
    static final long PAUSE_MILLIS = 400;
    /** The exit code when the display cannot be opened. */
    public static final Integer NO_DISPLAY = 1;
    /** The exit code when another LanSpread uses the data directory (as the headless peer's "refused"). */
    public static final Integer LOCKED = 4;
    /** The title of the dialog that says so. */
    public static final String LOCKED_TITLE = "LanSpread is already running";

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
        String refusal = SingleInstance.refusal(FrameworkUtil.getBundle(WindowApplication.class).getBundleContext());
        if (refusal != null) {
            System.err.println("LanSpread: " + refusal);
            MessageDialog.openError(null, LOCKED_TITLE, Character.toUpperCase(refusal.charAt(0)) + refusal.substring(1)
                    + ".\n\nClose the other LanSpread first, or give this "
                    + "one a data directory of its own (LANSPREAD_DATA).");
            display.dispose();
            return LOCKED;
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
