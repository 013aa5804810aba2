package org.lanspread.peer.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * One runtime per state directory: an operating-system lock on {@code <state>/runtime.lock}, held from before the
 * library opens until the runtime has stopped. The file says who holds it (process id, command, since when), so that
 * a second runtime can name the first when it refuses. The lock ends with its process, also after a crash or
 * {@code kill -9}: a stale file never blocks a start.
 */
final class StateLock implements AutoCloseable {

    static final String FILE = "runtime.lock";
    /** The component a runtime reports failed when the directory is held (the headless peer exits with 4). */
    static final String COMPONENT = org.lanspread.api.runtime.RuntimeStatus.STATE_LOCK;

    /** Another runtime holds the state directory; the message names the directory and the holder. */
    static final class HeldException extends IllegalStateException {
        HeldException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private StateLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    static StateLock acquire(Path stateDirectory) throws IOException {
        Files.createDirectories(stateDirectory);
        Path file = stateDirectory.resolve(FILE);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // this process holds it already (another runtime in the same framework)
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder;
            try {
                holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            } finally {
                channel.close();
            }
            throw new HeldException("the state directory " + stateDirectory + " is in use by another LanSpread ("
                    + (holder.isEmpty() ? "its process did not say which" : holder) + "); only one may use it at a "
                    + "time: stop that one, or give this one another lanspread.state.dir");
        }
        ProcessHandle self = ProcessHandle.current();
        String application = System.getProperty("eclipse.application");
        String who = "process " + self.pid() + (application == null ? "" : " running " + application) + ", since "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS);
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(who.getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
        return new StateLock(channel, lock);
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // the process ends the lock anyway
        }
    }
}
