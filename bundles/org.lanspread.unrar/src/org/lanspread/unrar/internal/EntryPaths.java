package org.lanspread.unrar.internal;

import java.nio.file.Path;
import java.util.regex.Pattern;

import org.lanspread.api.archive.ArchiveException;
import org.lanspread.api.archive.ArchiveException.Reason;

/** Maps archive entry names into the extraction root, refusing anything that would land outside it. */
final class EntryPaths {

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private EntryPaths() {
    }

    /** The path of entry {@code name} below {@code root}; throws {@link Reason#UNSAFE_ENTRY} when it escapes. */
    static Path resolve(Path root, String name, Path archive) throws ArchiveException {
        String normalized = name.replace('\\', '/');
        if (normalized.isEmpty() || normalized.indexOf('\0') >= 0) {
            throw unsafe(archive, name, "empty name or NUL character");
        }
        if (normalized.startsWith("/")) {
            throw unsafe(archive, name, "absolute path");
        }
        if (DRIVE.matcher(normalized).matches()) {
            throw unsafe(archive, name, "drive letter");
        }
        Path resolved = root;
        for (String segment : normalized.split("/")) {
            if (segment.equals("..")) {
                throw unsafe(archive, name, "'..' path segment");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            resolved = resolved.resolve(segment);
        }
        if (resolved.equals(root) || !resolved.normalize().startsWith(root)) {
            throw unsafe(archive, name, "resolves outside the target");
        }
        return resolved;
    }

    /** Refuses a symbolic link whose target is absolute or resolves outside {@code root}. */
    static void checkLink(Path root, Path link, String name, String target, Path archive) throws ArchiveException {
        String normalized = target.replace('\\', '/');
        if (normalized.isEmpty() || normalized.startsWith("/") || DRIVE.matcher(normalized).matches()) {
            throw unsafe(archive, name, "link to an absolute path '" + target + "'");
        }
        Path resolved = link.getParent().resolve(normalized).normalize();
        if (!resolved.startsWith(root)) {
            throw unsafe(archive, name, "link '" + target + "' points outside the target");
        }
    }

    private static ArchiveException unsafe(Path archive, String name, String why) {
        return new ArchiveException(Reason.UNSAFE_ENTRY, archive, "refusing entry '" + name + "': " + why);
    }
}
