package org.lanspread.ui.internal.parts;

import org.eclipse.e4.core.contexts.ContextInjectionFactory;
import org.eclipse.e4.core.contexts.EclipseContextFactory;
import org.eclipse.e4.core.contexts.IEclipseContext;
import org.eclipse.e4.core.di.suppliers.ExtendedObjectSupplier;
import org.eclipse.e4.ui.di.UISynchronize;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Display;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** A part's context as the workbench makes it: OSGi services, the parent composite and the way to the UI thread. */
public final class PartContexts {

    private PartContexts() {
    }

    public static IEclipseContext osgi() {
        return EclipseContextFactory.getServiceContext(FrameworkUtil.getBundle(PartContexts.class).getBundleContext());
    }

    static IEclipseContext forPart(IEclipseContext parent, Composite composite) {
        Display display = composite.getDisplay();
        IEclipseContext context = parent.createChild("part-test");
        context.set(Composite.class, composite);
        // What the workbench puts in every window's context: how to reach the UI thread (@UIEventTopic uses it).
        context.set(UISynchronize.class, new UISynchronize() {
            @Override
            public void syncExec(Runnable runnable) {
                display.syncExec(runnable);
            }

            @Override
            public void asyncExec(Runnable runnable) {
                display.asyncExec(runnable);
            }

            @Override
            protected boolean isUIThread(Thread thread) {
                return display.getThread() == thread;
            }

            @Override
            protected void showBusyWhile(Runnable runnable) {
                runnable.run();
            }

            @Override
            protected boolean dispatchEvents() {
                return display.readAndDispatch();
            }
        });
        // ... and, as the workbench does at start, give the @UIEventTopic supplier that way to the UI thread.
        BundleContext osgi = FrameworkUtil.getBundle(PartContexts.class).getBundleContext();
        try {
            for (ServiceReference<ExtendedObjectSupplier> ref : osgi.getServiceReferences(ExtendedObjectSupplier.class,
                    "(dependency.injection.annotation=org.eclipse.e4.ui.di.UIEventTopic)")) {
                ContextInjectionFactory.inject(osgi.getService(ref), context);
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return context;
    }
}
