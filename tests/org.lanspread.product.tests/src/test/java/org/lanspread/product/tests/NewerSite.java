package org.lanspread.product.tests;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * What a later build publishes, made from the built update site: every LanSpread unit (bundles, features, the core
 * feature's root files) with its version's qualifier raised by a suffix ("0.1.0.202612060536" to
 * "0.1.0.202612060536v2", newer for p2 and OSGi alike), in the metadata, in the artifacts' file names, in each
 * bundle's manifest and each feature's feature.xml, with the artifacts' sizes and checksums computed again. Third-party
 * bundles are copied as they are.
 */
final class NewerSite {

    private static final Pattern OURS = Pattern.compile("id='(org\\.lanspread\\.[^']*)' version='([^']+)'");
    private static final Pattern ARTIFACT = Pattern.compile(
            "<artifact classifier='([^']+)' id='(org\\.lanspread\\.[^']*)' version='([^']+)'>(.*?)</artifact>",
            Pattern.DOTALL);

    private NewerSite() {
    }

    /** Copies {@code site} to {@code target} with every LanSpread version raised by {@code suffix}. */
    static void make(Path site, Path target, String suffix) throws IOException {
        copyTree(site, target);
        String content = read(target.resolve("content.jar"));
        String artifacts = read(target.resolve("artifacts.jar"));
        Set<String> versions = new TreeSet<>();
        Matcher ours = OURS.matcher(content);
        while (ours.find()) {
            versions.add(ours.group(2));
        }
        Map<String, String> raised = new LinkedHashMap<>();
        versions.stream().sorted((a, b) -> b.length() - a.length()) // longer first: no version is a prefix of another
                .forEach(v -> raised.put(v, v + suffix));
        content = raise(content, raised);
        StringBuilder out = new StringBuilder();
        Matcher artifact = ARTIFACT.matcher(artifacts);
        int last = 0;
        while (artifact.find()) {
            String classifier = artifact.group(1);
            String id = artifact.group(2);
            String version = artifact.group(3);
            String newer = raised.getOrDefault(version, version + suffix);
            String folder = switch (classifier) {
                case "osgi.bundle" -> "plugins";
                case "org.eclipse.update.feature" -> "features";
                default -> "binary";
            };
            String extension = folder.equals("binary") ? "" : ".jar";
            Path old = target.resolve(folder).resolve(id + "_" + version + extension);
            Path moved = target.resolve(folder).resolve(id + "_" + newer + extension);
            byte[] bytes = Files.readAllBytes(old);
            if (classifier.equals("osgi.bundle")) {
                bytes = rewrite(bytes, "META-INF/MANIFEST.MF", text -> text.replace("Bundle-Version: " + version,
                        "Bundle-Version: " + newer));
            } else if (classifier.equals("org.eclipse.update.feature")) {
                bytes = rewrite(bytes, "feature.xml", text -> raise(text, raised));
            }
            Files.delete(old);
            Files.write(moved, bytes);
            String body = artifact.group(4)
                    .replaceAll("name='artifact.size' value='\\d+'", "name='artifact.size' value='" + bytes.length + "'")
                    .replaceAll("name='download.size' value='\\d+'", "name='download.size' value='" + bytes.length + "'")
                    .replaceAll("name='download.checksum.sha-256' value='[0-9a-f]+'",
                            "name='download.checksum.sha-256' value='" + digest("SHA-256", bytes) + "'")
                    .replaceAll("name='download.checksum.sha-512' value='[0-9a-f]+'",
                            "name='download.checksum.sha-512' value='" + digest("SHA-512", bytes) + "'")
                    .replaceAll("name='download.md5' value='[0-9a-f]+'", "name='download.md5' value='"
                            + digest("MD5", bytes) + "'")
                    .replaceAll("name='download.checksum.md5' value='[0-9a-f]+'", "name='download.checksum.md5' value='"
                            + digest("MD5", bytes) + "'");
            out.append(artifacts, last, artifact.start()).append("<artifact classifier='").append(classifier)
                    .append("' id='").append(id).append("' version='").append(newer).append("'>").append(body)
                    .append("</artifact>");
            last = artifact.end();
        }
        out.append(artifacts.substring(last));
        write(target.resolve("content.jar"), "content.xml", content);
        write(target.resolve("artifacts.jar"), "artifacts.xml", out.toString());
    }

    /** Every whole occurrence of a raised version (in attributes, ranges, update descriptors) raised. */
    private static String raise(String text, Map<String, String> raised) {
        for (Map.Entry<String, String> v : raised.entrySet()) {
            text = text.replaceAll("(?<![0-9A-Za-z_.-])" + Pattern.quote(v.getKey()) + "(?![0-9A-Za-z_-])",
                    Matcher.quoteReplacement(v.getValue()));
        }
        return text;
    }

    @FunctionalInterface
    private interface Edit {
        String apply(String text);
    }

    /** The jar with one text entry edited, every other entry as it was. */
    private static byte[] rewrite(byte[] jar, String entryName, Edit edit) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(jar));
                ZipOutputStream zip = new ZipOutputStream(bytes)) {
            for (ZipEntry entry; (entry = in.getNextEntry()) != null;) {
                byte[] data = in.readAllBytes();
                if (entry.getName().equals(entryName)) {
                    data = edit.apply(new String(data, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8);
                }
                ZipEntry copy = new ZipEntry(entry.getName());
                copy.setTime(entry.getTime());
                zip.putNextEntry(copy);
                zip.write(data);
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The one XML entry of a p2 metadata jar. */
    private static String read(Path jar) throws IOException {
        try (InputStream file = Files.newInputStream(jar); ZipInputStream in = new ZipInputStream(file)) {
            ZipEntry entry = in.getNextEntry();
            if (entry == null) {
                throw new IOException(jar + " is empty");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void write(Path jar, String entry, String xml) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); ZipOutputStream out = new ZipOutputStream(file)) {
            out.putNextEntry(new ZipEntry(entry));
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    private static String digest(String algorithm, byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every Java runtime", e);
        }
    }

    static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(path, target);
                }
            }
        }
    }
}
