package org.lanspread.api.library;

import java.util.List;
import java.util.Objects;

/**
 * One game folder as found on disk.
 *
 * @param id                the folder name
 * @param availability      what of it is here
 * @param downloadedVersion the version in version.ini, or {@code null}
 * @param installedVersion  the version the install in local/ was unpacked from, or {@code null} when unknown
 * @param archives          the game's archive files (names relative to the game folder), sorted
 * @param downloadBytes     total size of version.ini and the archives
 * @param problem           for {@link Availability#BROKEN}: what is wrong, naming the file; else {@code null}
 */
public record LocalGame(String id, Availability availability, String downloadedVersion, String installedVersion,
        List<String> archives, long downloadBytes, String problem) {

    public LocalGame {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(availability, "availability");
        archives = List.copyOf(archives);
    }

    /** The downloaded version differs from the installed one: installing it again is an update. */
    public boolean updatePending() {
        return availability == Availability.DOWNLOADED_AND_INSTALLED && installedVersion != null
                && !installedVersion.equals(downloadedVersion);
    }
}
