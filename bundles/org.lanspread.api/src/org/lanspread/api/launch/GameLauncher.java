package org.lanspread.api.launch;

/**
 * Starts installed games of some kind: the extension point for plug-ins. Register it as an OSGi service; among the
 * launchers that {@link #supports(LaunchTarget) support} a game, the one with the highest {@code service.ranking}
 * starts it (the default launcher has ranking 0 and supports every game, so a plug-in that wants a game registers
 * a higher ranking and supports only what it can start, e.g. Windows executables through wine).
 */
public interface GameLauncher {

    /** A short stable id, e.g. {@code desktop} or {@code wine}. */
    String id();

    /** Whether this launcher can start the target here and now (e.g. its tool is installed). */
    boolean supports(LaunchTarget target);

    /** Starts the game and returns at once (the game runs on its own). */
    Launched launch(LaunchTarget target) throws LaunchException;
}
