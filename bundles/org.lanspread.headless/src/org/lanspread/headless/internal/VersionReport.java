package org.lanspread.headless.internal;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;

/**
 * {@code lanspread --version}: the installed product's version (its core feature's, from the installation's
 * features/ folder), the Java runtime, and the version of every LanSpread bundle this process runs, which after an
 * update is what says the update took.
 */
final class VersionReport {

    static final String CORE_FEATURE = "org.lanspread.core.feature";

    private VersionReport() {
    }

    static String text(BundleContext context) {
        Bundle peer = java.util.Arrays.stream(context.getBundles())
                .filter(b -> "org.lanspread.peer".equals(b.getSymbolicName())).findFirst().orElse(null);
        StringBuilder text = new StringBuilder("LanSpread ")
                .append(coreVersion(peer == null ? null : peer.getVersion().toString())).append('\n');
        text.append("Java ").append(System.getProperty("java.runtime.version")).append(" (")
                .append(System.getProperty("java.vm.name")).append(")\n");
        List<Bundle> ours = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getSymbolicName() != null && bundle.getSymbolicName().startsWith("org.lanspread.")) {
                ours.add(bundle);
            }
        }
        ours.sort(Comparator.comparing(Bundle::getSymbolicName));
        for (Bundle bundle : ours) {
            text.append("  ").append(bundle.getSymbolicName()).append(' ').append(bundle.getVersion()).append('\n');
        }
        return text.toString();
    }

    /**
     * The version of the core feature that holds the running peer bundle, among the installation's features/ folder
     * (an update that failed and was rolled back can leave its feature folder there); else the newest; else
     * "unknown" (e.g. run from a workspace).
     */
    static String coreVersion(String runningPeer) {
        Path features = installArea().map(p -> p.resolve("features")).orElse(null);
        Version newest = null;
        if (features != null && Files.isDirectory(features)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(features, CORE_FEATURE + "_*")) {
                for (Path entry : entries) {
                    try {
                        Version version = Version.parseVersion(entry.getFileName().toString()
                                .substring(CORE_FEATURE.length() + 1).replaceFirst("\\.jar$", ""));
                        if (runningPeer != null && holds(entry.resolve("feature.xml"), runningPeer)) {
                            return version.toString();
                        }
                        newest = newest == null || version.compareTo(newest) > 0 ? version : newest;
                    } catch (IllegalArgumentException e) {
                        // not a feature folder of ours
                    }
                }
            } catch (IOException e) {
                return "unknown (" + features + ": " + e.getMessage() + ")";
            }
        }
        return newest == null ? "unknown" : newest.toString();
    }

    private static boolean holds(Path featureXml, String peerVersion) {
        try {
            return Files.readString(featureXml).contains("id=\"org.lanspread.peer\" version=\"" + peerVersion + "\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static java.util.Optional<Path> installArea() {
        String area = System.getProperty("osgi.install.area");
        if (area == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Path.of(new URI(area.replace(" ", "%20"))));
        } catch (URISyntaxException | IllegalArgumentException e) {
            return java.util.Optional.of(Path.of(area.replaceFirst("^file:", "")));
        }
    }
}
