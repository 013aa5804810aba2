package org.lanspread.unrar.tests;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.lanspread.api.archive.ArchiveExtractor;
import org.osgi.framework.BundleContext;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.lanspread.testing.osgi.Services;

/** The registered extractors, looked up as any consumer would, and helpers to compare trees by SHA-256. */
final class Extractors {

    private Extractors() {
    }

    static BundleContext context() {
        return FrameworkUtil.getBundle(Extractors.class).getBundleContext();
    }

    /** The sidecar's tool property (see SidecarExtractor.TOOL_PROPERTY). */
    static final String TOOL_PROPERTY = "lanspread.sidecar.tool";

    /**
     * The extractor registered with {@code id}; "sidecar/TOOL" is the sidecar made to run TOOL (an executable on
     * the PATH, e.g. unrar-free) through its tool property, which {@link #resetTool()} clears again.
     */
    static ArchiveExtractor byId(String id) {
        int slash = id.indexOf('/');
        if (slash > 0) {
            String tool = id.substring(slash + 1);
            Path path = java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/bin").split(":"))
                    .map(dir -> Path.of(dir, tool)).filter(Files::isExecutable).findFirst().orElse(null);
            org.junit.jupiter.api.Assertions.assertNotNull(path, tool + " is not on the PATH (scripts/test installs it)");
            System.setProperty(TOOL_PROPERTY, path.toString());
            id = id.substring(0, slash);
        }
        return Services.await(ArchiveExtractor.class, "(extractor.id=" + id + ")");
    }

    static void resetTool() {
        System.clearProperty(TOOL_PROPERTY);
    }

    /** The extractor a consumer gets without a preference: the highest service ranking. */
    static ServiceReference<ArchiveExtractor> best() {
        return context().getServiceReference(ArchiveExtractor.class);
    }

    static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Relative path -> SHA-256 for files, "dir" for directories, "-> target" for links. */
    static Map<String, String> tree(Path root) throws Exception {
        Map<String, String> tree = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (p.equals(root)) {
                    continue;
                }
                String key = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    tree.put(key, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p)) {
                    tree.put(key, "dir");
                } else {
                    tree.put(key, sha256(p));
                }
            }
        }
        return tree;
    }

    /** Every path below {@code dir} (to show that nothing appeared outside a target). */
    static java.util.Set<String> listing(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            return paths.map(p -> dir.relativize(p).toString()).collect(java.util.stream.Collectors.toCollection(java.util.TreeSet::new));
        }
    }

    /** A RAR file from Tika's test documents, unpacked by the build into {@code lanspread.fixtures}. */
    static Path testDocument(String name, Path dir) throws IOException {
        String fixtures = System.getProperty("lanspread.fixtures");
        if (fixtures == null) {
            throw new IllegalStateException("lanspread.fixtures is not set: run the tests through Maven");
        }
        Path source = Path.of(fixtures, name);
        return Files.copy(source, dir.resolve(source.getFileName()));
    }
}
