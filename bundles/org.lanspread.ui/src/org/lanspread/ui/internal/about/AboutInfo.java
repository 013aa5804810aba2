package org.lanspread.ui.internal.about;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * What Help › About shows: the product's version (with its build qualifier), the Java runtime, the installed
 * features (core, UI, plug-ins) and every library the product runs, with the licence its manifest states.
 *
 * @param version     the core feature's version, else this bundle's
 * @param features    the features in the installation's {@code features/} folder (empty outside an installed product)
 * @param libraries   the bundles that are not LanSpread's own, by name
 */
record AboutInfo(String version, String java, List<Feature> features, List<Library> libraries) {

    static final String CORE_FEATURE = "org.lanspread.core.feature";

    record Feature(String id, String label, String version, String provider) {
    }

    /** @param licence the manifest's Bundle-License (a URL or an SPDX id), or null when it states none */
    record Library(String name, String symbolicName, String version, String licence, String vendor) {
    }

    private static final Pattern FEATURE = Pattern.compile("<feature\\s([^>]*)>", Pattern.DOTALL);

    static AboutInfo read(BundleContext context) {
        Map<String, String> running = new HashMap<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() != null) {
                running.put(bundle.getSymbolicName(), bundle.getVersion().toString());
            }
        }
        List<Feature> features = features(installArea(context.getProperty("osgi.install.area")), running);
        String version = features.stream().filter(f -> f.id().equals(CORE_FEATURE)).map(Feature::version)
                .findFirst().orElse(context.getBundle().getVersion().toString());
        String java = System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
                + System.getProperty("java.vendor") + ")";
        List<Library> libraries = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || name.startsWith("org.lanspread.") || bundle.getBundleId() == 0) {
                continue;
            }
            Dictionary<String, String> headers = bundle.getHeaders(); // localized: "%pluginName" resolved
            String licence = licence(headers.get("Bundle-License"));
            libraries.add(new Library(orElse(headers.get("Bundle-Name"), name), name, bundle.getVersion().toString(),
                    licence != null ? licence : aboutHtmlLicence(bundle), orElse(headers.get("Bundle-Vendor"), "")));
        }
        libraries.sort(Comparator.comparing((Library l) -> l.name().toLowerCase(Locale.ROOT))
                .thenComparing(Library::version));
        return new AboutInfo(version, java, features, libraries);
    }

    /** The features of an installation (its {@code features/NAME_VERSION/feature.xml}), sorted by id. */
    static List<Feature> features(Path installArea) {
        return features(installArea, Map.of());
    }

    /**
     * As {@link #features(Path)}, leaving out a feature that includes a bundle in another version than the one running
     * ({@code running}: symbolic name to version): the folder an update that failed and was rolled back left behind.
     */
    static List<Feature> features(Path installArea, Map<String, String> running) {
        Path folder = installArea == null ? null : installArea.resolve("features");
        if (folder == null || !Files.isDirectory(folder)) {
            return List.of();
        }
        List<Feature> features = new ArrayList<>();
        try (Stream<Path> entries = Files.list(folder)) {
            for (Path xml : entries.map(p -> p.resolve("feature.xml")).filter(Files::isRegularFile).toList()) {
                String text = Files.readString(xml);
                Matcher tag = FEATURE.matcher(text);
                if (tag.find() && !stale(text, running)) {
                    String attributes = tag.group(1);
                    String id = attribute(attributes, "id");
                    if (id != null) {
                        features.add(new Feature(id, orElse(attribute(attributes, "label"), id),
                                orElse(attribute(attributes, "version"), "?"),
                                orElse(attribute(attributes, "provider-name"), "")));
                    }
                }
            }
        } catch (IOException e) {
            return List.copyOf(features); // what could be read
        }
        features.sort(Comparator.comparing(Feature::id));
        return features;
    }

    private static final Pattern PLUGIN = Pattern.compile("<plugin\\s([^>]*)>", Pattern.DOTALL);

    /** Whether the feature includes a bundle that runs in another version. */
    private static boolean stale(String featureXml, Map<String, String> running) {
        Matcher plugin = PLUGIN.matcher(featureXml);
        while (plugin.find()) {
            String id = attribute(plugin.group(1), "id");
            String version = attribute(plugin.group(1), "version");
            if (id != null && version != null && !version.equals("0.0.0") && running.containsKey(id)
                    && !running.get(id).equals(version)) {
                return true;
            }
        }
        return false;
    }

    private static String attribute(String attributes, String name) {
        Matcher m = Pattern.compile("(?:^|\\s)" + Pattern.quote(name) + "\\s*=\\s*\"([^\"]*)\"").matcher(attributes);
        return m.find() ? m.group(1) : null;
    }

    /** The first licence of a Bundle-License header ("URL;description=…, …"), or null. */
    static String licence(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        String first = header.split(",")[0].split(";")[0].strip().replace("\"", "");
        return first.isEmpty() ? null : first;
    }

    /** Eclipse bundles state their licence in about.html rather than their manifest. */
    private static String aboutHtmlLicence(Bundle bundle) {
        URL about = bundle.getEntry("about.html");
        if (about == null) {
            return null;
        }
        try (var in = about.openStream()) {
            String text = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
            // "... the Eclipse Public License Version 2.0 ("EPL"). A copy of the EPL is available at .../epl-2.0."
            return text.contains("eclipse.org/legal/epl-2.0") ? "EPL-2.0 (its about.html)" : "see its about.html";
        } catch (IOException e) {
            return null;
        }
    }

    private static Path installArea(String url) {
        if (url == null || !url.startsWith("file:")) {
            return null;
        }
        try {
            return Path.of(URI.create(url.replace(" ", "%20")));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String orElse(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }
}
