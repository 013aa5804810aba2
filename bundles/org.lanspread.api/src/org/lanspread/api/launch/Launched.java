package org.lanspread.api.launch;

import java.util.Objects;

/**
 * What a launcher did.
 *
 * @param launcherId  the {@link GameLauncher#id()} that did it
 * @param description for the user, e.g. "started quake3.exe with wine"
 */
public record Launched(String launcherId, String description) {
    public Launched {
        Objects.requireNonNull(launcherId, "launcherId");
        Objects.requireNonNull(description, "description");
    }
}
