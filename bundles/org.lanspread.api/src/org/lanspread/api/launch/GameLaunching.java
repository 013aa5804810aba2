package org.lanspread.api.launch;

import java.util.List;

/** Starts installed games with the best {@link GameLauncher} for each: what the UI's Play calls. */
public interface GameLaunching {

    /**
     * How the game would be started: its install folder and the command from the game's {@code version.ini}
     * ({@code launch=} key) or else the catalog. Fails when the game is not installed or the command points outside
     * its install folder.
     */
    LaunchTarget target(String gameId) throws LaunchException;

    /** The id of the launcher that would start the game (the highest-ranked that supports it). */
    String launcherFor(LaunchTarget target) throws LaunchException;

    /** Starts the game with the launcher {@link #launcherFor} names. */
    Launched launch(String gameId) throws LaunchException;

    /** The registered launchers' ids, highest ranking first. */
    List<String> launchers();
}
