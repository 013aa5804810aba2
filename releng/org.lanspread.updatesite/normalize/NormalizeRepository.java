import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Makes the assembled update site reproducible: the same sources give the same bytes. Tycho already writes bundles
 * and features with fixed entry times (project.build.outputTimestamp); three things still vary from build to build,
 * and this build step fixes them:
 * <ul>
 * <li>the repositories' {@code p2.timestamp} property (the build time): set to the output timestamp;</li>
 * <li>the order of properties in content.xml and artifacts.xml, and of the packages the JRE unit provides (hash-map
 * order): sorted;</li>
 * <li>the entry times in the root-file archives under {@code binary/} (the checkout's file times): set to the output
 * timestamp in place, and their checksums in artifacts.xml updated to match.</li>
 * </ul>
 * Run by the update site's build (exec-maven-plugin) between assembling and archiving the repository:
 * {@code java NormalizeRepository.java REPOSITORY_DIR OUTPUT_TIMESTAMP} (ISO-8601, e.g. 2026-11-25T00:00:00Z).
 */
public class NormalizeRepository {
    private static final Pattern PROPERTY = Pattern.compile("^\\s*<property name='([^']*)' value='[^']*'/>$");
    private static final Pattern PROVIDED = Pattern.compile("^\\s*<provided namespace='[^']*' name='[^']*' version='[^']*'/>$");
    private static final Pattern TIMESTAMP = Pattern.compile("(<property name='p2\\.timestamp' value=')\\d+('/>)");

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: NormalizeRepository REPOSITORY_DIR OUTPUT_TIMESTAMP");
            System.exit(2);
        }
        Path repository = Path.of(args[0]);
        Instant time = Instant.parse(args[1]);
        String artifacts = read(repository.resolve("artifacts.jar"), "artifacts.xml");
        String content = read(repository.resolve("content.jar"), "content.xml");
        Path binary = repository.resolve("binary");
        if (Files.isDirectory(binary)) {
            try (Stream<Path> files = Files.list(binary)) {
                for (Path file : files.sorted().toList()) {
                    fixZipTimes(file, time);
                    artifacts = updateChecksums(artifacts, file);
                }
            }
        }
        write(repository.resolve("artifacts.jar"), "artifacts.xml", normalize(artifacts, time), time);
        write(repository.resolve("content.jar"), "content.xml", normalize(content, time), time);
        System.out.println("normalized " + repository + " to " + time);
    }

    /** The p2.timestamp set, and every run of property lines sorted by name. */
    static String normalize(String xml, Instant time) {
        String fixed = TIMESTAMP.matcher(xml).replaceAll("$1" + time.toEpochMilli() + "$2");
        List<String> out = new ArrayList<>();
        List<String> properties = new ArrayList<>();
        List<String> provided = new ArrayList<>();
        for (String line : fixed.split("\n", -1)) {
            if (PROPERTY.matcher(line).matches()) {
                flush(provided, out, false);
                properties.add(line);
            } else if (PROVIDED.matcher(line).matches()) {
                flush(properties, out, true);
                provided.add(line);
            } else {
                flush(properties, out, true);
                flush(provided, out, false);
                out.add(line);
            }
        }
        flush(properties, out, true);
        flush(provided, out, false);
        return String.join("\n", out);
    }

    /** A run of property lines sorted by name, or of single-line capabilities (the JRE's packages: a set) by text. */
    private static void flush(List<String> run, List<String> out, boolean byName) {
        run.sort(byName ? (a, b) -> name(a).compareTo(name(b)) : String::compareTo);
        out.addAll(run);
        run.clear();
    }

    private static String name(String line) {
        Matcher m = PROPERTY.matcher(line);
        m.matches();
        return m.group(1);
    }

    /** Sets every entry's modification time (DOS fields and extended-timestamp extras), in place: same size. */
    static void fixZipTimes(Path zip, Instant time) throws IOException {
        byte[] bytes = Files.readAllBytes(zip);
        ByteBuffer buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        LocalDateTime t = LocalDateTime.ofInstant(time, ZoneOffset.UTC);
        int dosTime = (t.getHour() << 11) | (t.getMinute() << 5) | (t.getSecond() / 2);
        int dosDate = ((t.getYear() - 1980) << 9) | (t.getMonthValue() << 5) | t.getDayOfMonth();
        int eocd = -1;
        for (int i = bytes.length - 22; i >= 0; i--) {
            if (buf.getInt(i) == 0x06054b50) {
                eocd = i;
                break;
            }
        }
        if (eocd < 0) {
            throw new IOException(zip + ": not a zip archive (no end of central directory)");
        }
        int entries = Short.toUnsignedInt(buf.getShort(eocd + 10));
        int at = buf.getInt(eocd + 16);
        for (int e = 0; e < entries; e++) {
            if (buf.getInt(at) != 0x02014b50) {
                throw new IOException(zip + ": broken central directory");
            }
            buf.putShort(at + 12, (short) dosTime).putShort(at + 14, (short) dosDate);
            int nameLength = Short.toUnsignedInt(buf.getShort(at + 28));
            int extraLength = Short.toUnsignedInt(buf.getShort(at + 30));
            int commentLength = Short.toUnsignedInt(buf.getShort(at + 32));
            fixExtendedTimes(buf, at + 46 + nameLength, extraLength, time);
            int local = buf.getInt(at + 42);
            buf.putShort(local + 10, (short) dosTime).putShort(local + 12, (short) dosDate);
            int localName = Short.toUnsignedInt(buf.getShort(local + 26));
            int localExtra = Short.toUnsignedInt(buf.getShort(local + 28));
            fixExtendedTimes(buf, local + 30 + localName, localExtra, time);
            at += 46 + nameLength + extraLength + commentLength;
        }
        Files.write(zip, bytes);
    }

    /** The 0x5455 extra field: flags, then up to three 4-byte Unix times (mtime, atime, ctime). */
    private static void fixExtendedTimes(ByteBuffer buf, int start, int length, Instant time) {
        int at = start;
        while (at + 4 <= start + length) {
            int id = Short.toUnsignedInt(buf.getShort(at));
            int size = Short.toUnsignedInt(buf.getShort(at + 2));
            if (id == 0x5455) {
                for (int t = at + 5; t + 4 <= at + 4 + size; t += 4) {
                    buf.putInt(t, (int) time.getEpochSecond());
                }
            }
            at += 4 + size;
        }
    }

    /** The checksum properties of the artifact stored in {@code file} recomputed (its size is unchanged). */
    static String updateChecksums(String artifacts, Path file) throws Exception {
        byte[] bytes = Files.readAllBytes(file);
        String md5 = hex("MD5", bytes);
        String sha256 = hex("SHA-256", bytes);
        String sha512 = hex("SHA-512", bytes);
        String name = file.getFileName().toString(); // <id>_<version>
        int split = name.lastIndexOf('_');
        String head = "<artifact classifier='binary' id='" + name.substring(0, split) + "' version='"
                + name.substring(split + 1) + "'>";
        int start = artifacts.indexOf(head);
        if (start < 0) {
            throw new IOException("artifacts.xml lists no binary artifact for " + file);
        }
        int end = artifacts.indexOf("</artifact>", start);
        String block = artifacts.substring(start, end)
                .replaceAll("(name='download\\.checksum\\.sha-512' value=')[0-9a-f]+'", "$1" + sha512 + "'")
                .replaceAll("(name='download\\.checksum\\.sha-256' value=')[0-9a-f]+'", "$1" + sha256 + "'")
                .replaceAll("(name='download\\.checksum\\.md5' value=')[0-9a-f]+'", "$1" + md5 + "'")
                .replaceAll("(name='download\\.md5' value=')[0-9a-f]+'", "$1" + md5 + "'");
        return artifacts.substring(0, start) + block + artifacts.substring(end);
    }

    private static String hex(String algorithm, byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(bytes));
    }

    private static String read(Path jar, String entry) throws IOException {
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(jar))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null;) {
                if (e.getName().equals(entry)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new IOException(jar + " holds no " + entry);
    }

    private static void write(Path jar, String entry, String xml, Instant time) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            ZipEntry e = new ZipEntry(entry);
            e.setTimeLocal(LocalDateTime.ofInstant(time, ZoneOffset.UTC));
            out.putNextEntry(e);
            out.write(xml.getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Files.write(jar, bytes.toByteArray());
    }
}
