package org.lanspread.ui.internal.app;

import org.eclipse.e4.core.di.annotations.Optional;
import org.eclipse.e4.ui.di.UIEventTopic;
import org.eclipse.e4.ui.workbench.UIEvents;
import org.osgi.service.event.Event;

import jakarta.inject.Inject;

/** An application model add-on: closes the start script's splash once the window is up. */
public class SplashAddon {

    @Inject
    @Optional
    void windowUp(@UIEventTopic(UIEvents.UILifeCycle.APP_STARTUP_COMPLETE) Event event) {
        Splash.close();
    }
}
