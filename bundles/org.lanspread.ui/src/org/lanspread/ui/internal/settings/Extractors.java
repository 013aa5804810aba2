package org.lanspread.ui.internal.settings;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.lanspread.api.archive.ArchiveExtractor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;

/** The registered extractors' ids, highest ranking first (what the preferences offer). */
final class Extractors {

    private Extractors() {
    }

    static List<String> ids() {
        BundleContext context = FrameworkUtil.getBundle(Extractors.class).getBundleContext();
        List<String> ids = new ArrayList<>();
        if (context == null) {
            return ids;
        }
        try {
            List<ServiceReference<ArchiveExtractor>> refs = new ArrayList<>(
                    context.getServiceReferences(ArchiveExtractor.class, null));
            refs.sort(Comparator.<ServiceReference<ArchiveExtractor>, Integer>comparing(r -> r.getProperty(
                    Constants.SERVICE_RANKING) instanceof Integer i ? i : 0).reversed());
            for (ServiceReference<ArchiveExtractor> ref : refs) {
                ArchiveExtractor extractor = context.getService(ref);
                if (extractor != null) {
                    try {
                        ids.add(extractor.id());
                    } finally {
                        context.ungetService(ref);
                    }
                }
            }
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        return ids;
    }
}
