package org.lanspread.peer.internal.integrity;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How a game's archive files form RAR sets: name.partN.rar, or name.rar (with name.r00 ... as its volumes). */
public final class ArchiveSets {

    private static final Pattern PART = Pattern.compile("(?i)(.+)\\.part(\\d+)\\.rar");
    private static final Pattern RAR = Pattern.compile("(?i)(.+)\\.rar");

    private ArchiveSets() {
    }

    /** The first volume of each archive set among {@code archives} (file names), in name order. */
    public static List<Path> firstVolumes(Path folder, List<String> archives) {
        Map<String, String> first = new TreeMap<>(); // set -> first volume
        Map<String, Integer> firstPart = new TreeMap<>();
        for (String name : archives) {
            Matcher part = PART.matcher(name);
            if (part.matches()) {
                String set = part.group(1).toLowerCase(Locale.ROOT) + "#part";
                int number = Integer.parseInt(part.group(2));
                if (number < firstPart.getOrDefault(set, Integer.MAX_VALUE)) {
                    firstPart.put(set, number);
                    first.put(set, name);
                }
                continue;
            }
            Matcher rar = RAR.matcher(name);
            if (rar.matches()) {
                first.put(rar.group(1).toLowerCase(Locale.ROOT) + "#rar", name);
            }
            // name.r00, name.r01 ...: volumes of name.rar, not sets of their own
        }
        List<Path> result = new ArrayList<>();
        first.values().forEach(n -> result.add(folder.resolve(n)));
        return result;
    }
}
