package org.lanspread.ui.internal.settings;

import org.eclipse.e4.core.di.annotations.CanExecute;
import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.swt.widgets.Shell;
import org.lanspread.api.runtime.PeerRuntime;

/** File › Preferences…: the settings dialog (available while the peer runtime is). */
public class PreferencesHandler {

    @CanExecute
    public boolean canExecute(@Optional PeerRuntime runtime) {
        return runtime != null;
    }

    @Execute
    public void execute(Shell shell, @Optional PeerRuntime runtime) {
        if (runtime != null) {
            new PreferencesDialog(shell, runtime, Extractors.ids(), false).open();
        }
    }
}
