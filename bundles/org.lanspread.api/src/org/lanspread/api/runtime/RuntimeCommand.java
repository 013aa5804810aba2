package org.lanspread.api.runtime;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import org.lanspread.api.library.GameIds;

/**
 * What a {@link PeerRuntime} can be asked to do; {@code R} is the result type.
 *
 * @param <R> what the submitted command's future completes with
 */
public sealed interface RuntimeCommand<R> {

    /** The connected peers and the games each offers. */
    record ListPeers() implements RuntimeCommand<List<PeerSummary>> {
    }

    /** Fetches a game from the peers that offer it (its newest version), without unpacking it. */
    record Download(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Download {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Installs a game, routed by its state: no download yet: download from peers first, then unpack; downloaded
     * but not unpacked: unpack; already installed: nothing to do (the UI offers Play).
     */
    record Install(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Install {
            GameIds.requireValid(gameId);
        }
    }

    /** Fetches the newest version peers offer, then unpacks it beside the old install and swaps. */
    record Update(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Update {
            GameIds.requireValid(gameId);
        }
    }

    /** Removes local/ (the download stays, so the game can still be served and installed again). */
    record Uninstall(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Uninstall {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Deletes the game from this machine: its install, its downloaded archives and version.ini, and any partial
     * download, freeing the space (peers can send it again). Refused while an operation runs on the game. The
     * folder is first renamed to a hidden name (the commit point: it is gone from the library at once), then
     * removed; a crash in between is finished by the next start's recovery. The outcome's message says how much was
     * freed; NOTHING_TO_DO when the game has no folder here.
     *
     * @since 0.6
     */
    record Delete(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Delete {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Verifies a downloaded game: every chunk of its download files is read again and checked against the manifest
     * recorded for them. COMPLETED when all match; FAILED naming the chunks that differ, and the game is then shown
     * damaged ("needs repair") and no longer offered to peers. Cancellable between chunks.
     *
     * @since 0.6
     */
    record Verify(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Verify {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Repairs a game: verifies it as {@link Verify} does and also checks its install (local/) against its archives'
     * entries (sizes and CRCs); then fetches only the chunks that differ from peers offering the same content, and
     * unpacks the archives again only when the install differed, keeping the files the game added (saves, configs).
     * COMPLETED when the game is whole again (or already was: the message says so); FAILED naming what could not be
     * repaired (e.g. no peer offers the version). Cancelled while fetching, it stays a paused download of the same
     * version that Repair or Download resumes.
     *
     * @since 0.7
     */
    record Repair(String gameId) implements RuntimeCommand<OperationOutcome> {
        public Repair {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Cancels the game's active operation (between chunks or entries, never mid-write); completes with whether
     * there was one. A cancelled download keeps its verified chunks and resumes later.
     */
    record Cancel(String gameId) implements RuntimeCommand<Boolean> {
        public Cancel {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Removes what an interrupted download left (its staging area) from a game with no active operation;
     * completes with the bytes freed.
     */
    record DiscardPartialDownload(String gameId) implements RuntimeCommand<Long> {
        public DiscardPartialDownload {
            GameIds.requireValid(gameId);
        }
    }

    /**
     * Switches the game directory (validated; created when missing). Refused while any operation is active when
     * the path changes. Completes with the directory in use.
     */
    record SetGameDir(Path directory) implements RuntimeCommand<Path> {
        public SetGameDir {
            Objects.requireNonNull(directory, "directory");
        }
    }

    /**
     * Applies settings while the peer runs and saves them: the game directory as {@link SetGameDir} does (so refused
     * while an operation is active when the path changes; then nothing is applied), upload caps at once, the
     * extractor for the next install, manual peers by contacting the new list. Completes with the settings in use.
     * @since 0.3
     */
    record ApplySettings(PeerSettings settings) implements RuntimeCommand<PeerSettings> {
        public ApplySettings {
            Objects.requireNonNull(settings, "settings");
        }
    }
}
