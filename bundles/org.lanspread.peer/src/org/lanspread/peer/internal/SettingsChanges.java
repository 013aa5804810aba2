package org.lanspread.peer.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.logging.Logger;

import org.lanspread.api.library.GameLibrary;
import org.lanspread.api.library.InvalidGameDirectoryException;
import org.lanspread.api.runtime.HostPorts;
import org.lanspread.api.runtime.OperationRefusedException;
import org.lanspread.api.runtime.PeerSettings;
import org.lanspread.api.transport.PeerTransport;

/**
 * Changes a running peer's settings, from its command loop: the game directory (refused while any operation runs;
 * a new one is recovered before it is read), then the upload caps, the extractor and the manual peers. The settings
 * are saved last, so that a refused or failed change is never saved.
 */
final class SettingsChanges {

    private static final Logger LOG = Logger.getLogger(SettingsChanges.class.getName());

    private final Supplier<GameLibrary> library;
    private final Supplier<PeerTransport> transport;
    private final OperationState operations;
    private final ServedContent content;
    private final Runnable publish;

    SettingsChanges(Supplier<GameLibrary> library, Supplier<PeerTransport> transport, OperationState operations,
            ServedContent content, Runnable publish) {
        this.library = library;
        this.transport = transport;
        this.operations = operations;
        this.content = content;
        this.publish = publish;
    }

    /**
     * The settings {@code current} becomes with {@code wanted}, in effect once this returns: the game directory first
     * (it may be refused: then nothing changes), then the upload caps. The caller keeps them, then {@link #save}s.
     */
    RuntimeSettings apply(RuntimeSettings current, PeerSettings wanted) throws OperationRefusedException {
        String tooMany = RuntimeSettings.tooManyManualPeers(wanted.manualPeers());
        if (tooMany != null) {
            throw new OperationRefusedException(tooMany);
        }
        for (InetSocketAddress peer : wanted.manualPeers()) {
            if (peer.getPort() < 1) {
                throw new OperationRefusedException("manual peer " + HostPorts.format(peer) + ": port "
                        + peer.getPort() + " is out of range");
            }
        }
        Path directory = setGameDirectory(wanted.gameDirectory());
        RuntimeSettings next = current.with(wanted.withGameDirectory(directory));
        PeerTransport server = transport.get();
        if (server != null) {
            server.uploadLimits(next.uploads());
        }
        return next;
    }

    /** Saves settings that {@link #apply} put in effect; if that fails, they stay in effect for this run. */
    void save(RuntimeSettings applied) throws OperationRefusedException {
        try {
            SavedSettings.save(applied.stateDirectory(), applied.toSaved());
        } catch (IOException e) {
            throw new OperationRefusedException("the settings apply for now but could not be saved in "
                    + applied.stateDirectory() + ": " + Supervisor.describe(e));
        }
        LOG.info("settings applied: " + applied.peerSettings());
    }

    /** Switches to the game directory {@code requested}; returns the directory now open. */
    Path setGameDirectory(Path requested) throws OperationRefusedException {
        GameLibrary games = library.get();
        Path current = games.gameDirectory();
        Path wanted = requested.toAbsolutePath().normalize();
        if (!wanted.equals(current) && operations.anyActive()) {
            List<String> busy = operations.snapshot().stream()
                    .map(o -> o.gameId() + " (" + o.kind().name().toLowerCase() + ")").toList();
            throw new OperationRefusedException("the game directory cannot change to " + wanted + " while "
                    + busy.size() + " operation(s) are active: " + String.join(", ", busy)
                    + "; cancel them or wait until they finish");
        }
        try {
            if (!wanted.equals(current)) {
                for (String line : GameTransactions.recover(wanted, Set.of())) {
                    LOG.info("recovery: " + line);
                }
            }
            Set<String> before = games.snapshot().games().keySet();
            games.setGameDirectory(wanted);
            content.directorySwitched(before, !wanted.equals(current));
            publish.run();
            return games.gameDirectory();
        } catch (InvalidGameDirectoryException e) {
            throw new OperationRefusedException(e.getMessage());
        } catch (IOException e) {
            throw new OperationRefusedException("cannot switch to " + wanted + ": " + Supervisor.describe(e));
        }
    }
}
