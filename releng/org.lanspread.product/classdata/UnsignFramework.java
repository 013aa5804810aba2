import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Removes the jar signatures from the few jars that the JVM itself loads when the product starts: the Equinox
 * launcher (run with {@code java -jar}), the framework {@code org.eclipse.osgi} and its framework extension
 * {@code org.eclipse.osgi.compatibility.state}, which the launcher's class loader loads.
 * <p>
 * Why: the JVM checks the digest of every class it loads from a signed jar, and its class-data archive (the start
 * script's {@code -XX:+AutoCreateSharedArchive}) leaves out every class of a signed jar. So the ~700 framework classes
 * were read, verified and parsed at each start. Unsigned, they are mapped from the archive: measured on 2 cores, the
 * window with 2,000 games appeared ~1.3 s sooner. Bundles are loaded by Equinox's own class loaders, which do not
 * check signatures unless signed-content support is turned on (it is not), and the archive keeps their classes
 * already; their signatures are left as they are.
 * <p>
 * Each jar keeps its entries, their order and times; only {@code META-INF/*.SF}, {@code *.RSA}, {@code *.DSA} and
 * {@code *.EC} go, and the manifest's per-entry digests (meaningless without them; other per-entry attributes stay). Run by the product's build
 * between materializing and archiving the product:
 * {@code java UnsignFramework.java PLUGINS_DIR BUNDLE_NAME...}. A named bundle that is missing fails the build.
 */
public class UnsignFramework {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: java UnsignFramework.java PLUGINS_DIR BUNDLE_NAME...");
        }
        Path plugins = Path.of(args[0]);
        for (int i = 1; i < args.length; i++) {
            List<Path> jars = new ArrayList<>();
            try (DirectoryStream<Path> found = Files.newDirectoryStream(plugins, args[i] + "_*.jar")) {
                found.forEach(jars::add);
            }
            if (jars.isEmpty()) {
                throw new IOException("no " + args[i] + "_*.jar in " + plugins);
            }
            for (Path jar : jars) {
                int removed = unsign(jar);
                System.out.println("unsigned " + plugins.relativize(jar) + ": " + removed + " signature files removed");
            }
        }
    }

    static boolean isSignatureFile(String name) {
        if (!name.startsWith("META-INF/") || name.indexOf('/', "META-INF/".length()) >= 0) {
            return false;
        }
        String upper = name.toUpperCase(Locale.ROOT);
        return upper.endsWith(".SF") || upper.endsWith(".RSA") || upper.endsWith(".DSA") || upper.endsWith(".EC");
    }

    static int unsign(Path jar) throws IOException {
        Path out = jar.resolveSibling(jar.getFileName() + ".unsigning");
        int removed = 0;
        try (ZipFile in = new ZipFile(jar.toFile());
                ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(out))) {
            for (Enumeration<? extends ZipEntry> entries = in.entries(); entries.hasMoreElements();) {
                ZipEntry entry = entries.nextElement();
                if (isSignatureFile(entry.getName())) {
                    removed++;
                    continue;
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                if (entry.getLastModifiedTime() != null) {
                    copy.setLastModifiedTime(entry.getLastModifiedTime());
                }
                zip.putNextEntry(copy);
                try (InputStream data = in.getInputStream(entry)) {
                    if (entry.getName().equals(JarFile.MANIFEST_NAME)) {
                        withoutDigests(data, zip);
                    } else {
                        data.transferTo(zip);
                    }
                }
                zip.closeEntry();
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(out);
            throw e;
        }
        Files.move(out, jar, StandardCopyOption.REPLACE_EXISTING);
        return removed;
    }

    private static void withoutDigests(InputStream in, OutputStream out) throws IOException {
        Manifest manifest = new Manifest(in);
        for (var section = manifest.getEntries().values().iterator(); section.hasNext();) {
            Attributes attributes = section.next();
            attributes.keySet().removeIf(name -> name.toString().toUpperCase(Locale.ROOT).endsWith("-DIGEST"));
            if (attributes.isEmpty()) {
                section.remove();
            }
        }
        manifest.write(out);
    }
}
