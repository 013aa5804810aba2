package org.lanspread.ui.internal.about;

import org.eclipse.e4.core.di.annotations.Execute;
import org.eclipse.swt.widgets.Shell;
import org.osgi.framework.FrameworkUtil;

/** Help › About LanSpread. */
public class AboutHandler {

    @Execute
    public void execute(Shell shell) {
        new AboutDialog(shell, AboutInfo.read(FrameworkUtil.getBundle(AboutHandler.class).getBundleContext())).open();
    }
}
