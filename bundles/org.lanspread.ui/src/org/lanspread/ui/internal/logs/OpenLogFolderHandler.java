package org.lanspread.ui.internal.logs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.jface.dialogs.MessageDialog;
import org.eclipse.swt.program.Program;
import org.eclipse.swt.widgets.Shell;
import org.lanspread.api.runtime.StateLocations;
import org.osgi.framework.Bundle;
import org.osgi.framework.FrameworkUtil;

/**
 * File › Open Log Folder: shows the folder the product writes its log to (see
 * {@link StateLocations#logDirectory}) in the desktop's file manager; where none can be opened, says where it is.
 */
public class OpenLogFolderHandler {

    @Execute
    public void execute(Shell shell) {
        String unopened = open(folder(), folder -> Program.launch(folder.toString()));
        if (unopened != null) {
            MessageDialog.openInformation(shell, "Log folder", unopened);
        }
    }

    /** The log folder of this product (the same rule as the peer runtime's). */
    public static Path folder() {
        Bundle bundle = FrameworkUtil.getBundle(OpenLogFolderHandler.class);
        return StateLocations.logDirectory(
                bundle == null ? System::getProperty : key -> bundle.getBundleContext().getProperty(key));
    }

    /**
     * Opens {@code folder} with {@code launcher}.
     *
     * @return null when it was opened; else what to tell the user (names the folder)
     */
    static String open(Path folder, Predicate<Path> launcher) {
        if (!Files.isDirectory(folder)) {
            return "LanSpread writes its log to " + folder + ", which does not exist yet (nothing was logged).";
        }
        if (launcher.test(folder)) {
            return null;
        }
        return "LanSpread writes its log to " + folder + " (lanspread.0.log is the newest file). No file manager "
                + "could be started to show it.";
    }
}
