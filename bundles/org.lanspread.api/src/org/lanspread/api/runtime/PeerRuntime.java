package org.lanspread.api.runtime;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import org.lanspread.api.games.GamesSnapshotProvider;

/**
 * The running peer: its services (transport server, discovery, liveness, library monitor) under supervision, the
 * operations on games, and the authoritative snapshot ({@link GamesSnapshotProvider#snapshot()}). Registered as an
 * OSGi service by the runtime bundle; state changes are published on the {@link RuntimeTopics} topics.
 * <p>
 * The service may be registered before the runtime has started (recovery, the first scan and the transport take
 * a moment): meanwhile {@link #status()} is STARTING, the snapshot is empty, {@link #listenAddress()} is null, and
 * submitted commands wait for the start (and fail as for a runtime that is not running if it fails).
 */
public interface PeerRuntime extends GamesSnapshotProvider {

    /**
     * Submits a command. The future completes with the command's result: for game operations when the operation
     * has ended (see {@link OperationOutcome}), exceptionally with an {@link OperationRefusedException} that says
     * why when the command is refused (e.g. a game directory change while operations are active), or with an
     * {@link IllegalStateException} when the runtime is not running.
     */
    <R> CompletableFuture<R> submit(RuntimeCommand<R> command);

    RuntimeStatus status();

    /** Where this peer's transport listens, or null while it does not. */
    java.net.InetSocketAddress listenAddress();

    /** The game directory in use. */
    java.nio.file.Path gameDirectory();

    /**
     * The settings in use (see {@link PeerSettings}); change them with {@link RuntimeCommand.ApplySettings}.
     * @since 0.3
     */
    PeerSettings settings();

    /** Asks the runtime to stop: cancels every operation (between chunks and entries) and says goodbye to peers. */
    void shutdown();

    /** Waits until the runtime has stopped; true when it did within {@code timeout}. */
    boolean awaitStopped(Duration timeout) throws InterruptedException;

    /**
     * Starts the runtime again after it failed (or was shut down), from a fresh context: the same settings, a new
     * scan, new services. Returns at once; progress shows in {@link #status()} and on {@link RuntimeTopics#STATUS}.
     */
    void restart();
}
