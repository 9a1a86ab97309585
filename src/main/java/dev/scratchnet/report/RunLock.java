package dev.scratchnet.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.ScratchnetException;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run at a time per folder: an operating-system lock ({@link FileChannel#tryLock()}) on
 * {@code <folder>/.scratchnet.lock}. A second run on the same folder is refused at once, with one line naming
 * the folder and the run that holds it, instead of interleaving its files with the first run's.
 *
 * <p>The operating system drops the lock when the holding process ends, however it ends (SIGKILL
 * included), so a killed run never blocks the next. The file records the holder's pid, host and start time
 * for that message. It stays behind once the folder holds anything else. A run that ends having written
 * nothing (refused while it read its data, say) leaves nothing: on release it deletes the lock file it made,
 * while it still holds it, and then the folders it made, when they are empty. A run that locked the file just
 * before its deletion would then hold a file no longer in the folder, while a third run locks a fresh one of the
 * same name; so a run that wins the lock checks that the folder's file is still the one it opened (the same device
 * and inode, read without opening it) and otherwise starts again. Once a folder is locked, the temporary files a killed holder left
 * ({@link AtomicFiles#deleteLeftovers}) are deleted: nobody else can be writing them.
 *
 * <p>Such locks hold on a local file system; on NFS they rely on the server's lock service.
 */
public final class RunLock implements AutoCloseable {
    /** The lock file's name in every locked folder. */
    public static final String FILE = ".scratchnet.lock";
    private static final int MAX_HOLDER_BYTES = 4096;
    /**
     * Lock files this JVM holds. POSIX drops all of a process's locks on a file when it closes any channel
     * to that file, so this JVM must never open a second channel to a file it holds.
     */
    private static final Set<Path> HELD_HERE = ConcurrentHashMap.newKeySet();

    /**
     * A folder to lock.
     *
     * @param what what the folder is for, e.g. "output folder (spark.scratchnet.out)"; starts every message
     * @param dir  the folder; created when missing
     */
    public record Folder(String what, Path dir) {}

    /**
     * A lock won: its file, channel and lock; {@code made}: the folders this run created for it, innermost first;
     * {@code newFile}: whether the lock file was created by this run (else an earlier run's record was reused).
     */
    private record Held(Path file, FileChannel channel, FileLock lock, List<Path> made, boolean newFile) {}

    /** How often a run that locked a file its previous holder was deleting starts again before it gives up. */
    private static final int ATTEMPTS = 10;

    private final List<Held> held;

    private RunLock(List<Held> held) {
        this.held = held;
    }

    /**
     * Locks every folder, in order; a folder inside one locked before is covered by that lock. All or
     * nothing: when one folder is taken, the locks already won are released before the refusal.
     *
     * @throws ScratchnetException "{@code <what> <dir> is in use by another run: pid P on host H, started T
     *                             (lock file F)}", or when a folder cannot be created or locked
     */
    public static RunLock acquire(List<Folder> folders) {
        return acquire(folders, () -> { });
    }

    /** {@link #acquire(List)}, running {@code opened} between opening a lock file and locking it (tests race there). */
    static RunLock acquire(List<Folder> folders, Runnable opened) {
        List<Held> held = new ArrayList<>();
        List<Path> covered = new ArrayList<>();
        try {
            for (Folder folder : folders) {
                Path dir = folder.dir().toAbsolutePath().normalize();
                if (covered.stream().anyMatch(dir::startsWith)) {
                    continue;
                }
                held.add(lock(folder, opened));
                covered.add(dir);
            }
        } catch (RuntimeException e) {
            new RunLock(held).close();
            throw e;
        }
        return new RunLock(held);
    }

    private static Held lock(Folder folder, Runnable opened) {
        List<Path> made = missing(folder.dir());
        if (!Files.isDirectory(folder.dir())) {
            AtomicFiles.ensureWritableDir(folder.dir(), folder.what());
        }
        Path file;
        try {
            file = folder.dir().toRealPath().resolve(FILE);
        } catch (IOException e) {
            throw new ScratchnetException(folder.what() + " " + folder.dir() + ": " + AtomicFiles.oneLine(e), e);
        }
        if (!HELD_HERE.add(file)) {
            throw inUse(folder, file, "another run in this process");
        }
        try {
            Object before = key(folder, file);
            boolean newFile = before == null;
            for (int attempt = 1; ; attempt++) {
                Held held = tryLock(folder, file, before, made, newFile, opened);
                if (held != null) {
                    return held;
                }
                if (attempt == ATTEMPTS) {
                    throw new ScratchnetException("cannot lock " + folder.what() + " " + folder.dir() + ": its lock "
                            + "file " + file + " was replaced " + ATTEMPTS + " times while this run locked it");
                }
                before = key(folder, file);
            }
        } catch (RuntimeException e) {
            HELD_HERE.remove(file);
            throw e;
        }
    }

    /** The folders from {@code dir} up that do not exist yet, innermost first. */
    private static List<Path> missing(Path dir) {
        List<Path> missing = new ArrayList<>();
        for (Path d = dir.toAbsolutePath().normalize(); d != null && !Files.exists(d); d = d.getParent()) {
            missing.add(d);
        }
        return missing;
    }

    /**
     * What names the file at {@code file} now (its device and inode), without opening it (closing any channel to a
     * file this process has locked would drop the lock): null when there is none; a constant where the file system
     * gives no key, which then goes unchecked.
     */
    private static Object key(Folder folder, Path file) {
        try {
            Object key = Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                    java.nio.file.LinkOption.NOFOLLOW_LINKS).fileKey();
            return key != null ? key : FILE;
        } catch (java.nio.file.NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ScratchnetException("cannot lock " + folder.what() + " " + folder.dir() + " (" + file + "): "
                    + AtomicFiles.oneLine(e), e);
        }
    }

    /**
     * Opens and locks {@code file}, which was {@code before} ({@link #key}) just before; null when the folder's file
     * may not be the one locked (it was missing before, or it is another now: its previous holder deleted it), for the
     * caller to try again.
     */
    private static Held tryLock(Folder folder, Path file, Object before, List<Path> made, boolean newFile,
                                Runnable opened) {
        FileChannel channel = null;
        try {
            try {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
            } catch (java.nio.file.NoSuchFileException e) {
                // The folder was removed by the run that just released it, having written nothing: again.
                AtomicFiles.ensureWritableDir(folder.dir(), folder.what());
                return null;
            } catch (IOException e) {
                throw new ScratchnetException(folder.what() + " " + folder.dir() + " is not writable: "
                        + AtomicFiles.oneLine(e), e);
            }
            opened.run();
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw inUse(folder, file, holder(channel));
            }
            if (before == null || !before.equals(key(folder, file))) {
                closeQuietly(channel); // releases the lock: the next attempt checks the file it opens then
                return null;
            }
            // Only now that the folder is ours: a refused run must not touch the holder's folder at all.
            AtomicFiles.ensureWritableDir(folder.dir(), folder.what());
            byte[] me = Json.bytes(Map.of("pid", ProcessHandle.current().pid(), "host", hostName(),
                    "started", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(me), 0);
            channel.force(true);
            AtomicFiles.deleteLeftovers(folder.dir());
            return new Held(file, channel, lock, made, newFile);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            if (e instanceof ScratchnetException se) {
                throw se;
            }
            throw new ScratchnetException("cannot lock " + folder.what() + " " + folder.dir() + " ("
                    + file + "): " + AtomicFiles.oneLine(e), e);
        }
    }

    private static ScratchnetException inUse(Folder folder, Path file, String holder) {
        return new ScratchnetException(folder.what() + " " + folder.dir() + " is in use by " + holder
                + " (lock file " + file + "): wait for it to end, or use another folder");
    }

    /** Who holds the lock, as its file says: "another run: pid P on host H, started T". */
    private static String holder(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(MAX_HOLDER_BYTES);
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read on: the file is tiny
        }
        byte[] bytes = new byte[buffer.position()];
        buffer.flip().get(bytes);
        try {
            JsonNode h = Json.readTree(bytes, FILE);
            if (h.path("pid").canConvertToLong()) {
                return "another run: pid " + h.path("pid").asLong() + " on host " + h.path("host").asText("?")
                        + ", started " + h.path("started").asText("?");
            }
        } catch (ScratchnetException e) {
            // Not written yet (the holder has just locked it) or not ours: say what we know.
        }
        return "another run (it has not recorded its pid yet)";
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing releases the lock; a failure to close leaves nothing to undo.
            }
        }
    }

    /**
     * Releases every lock (closing the channels). A folder that holds nothing but the lock file this run made is
     * left as the run found it: the file deleted (while still locked), then the folders the run made, when empty.
     */
    @Override
    public void close() {
        for (Held h : held) {
            boolean untouched = h.newFile() && holdsOnly(h.file());
            if (untouched) {
                try {
                    Files.deleteIfExists(h.file());
                } catch (IOException e) {
                    untouched = false; // the file stays, as before; the folder is not empty then
                }
            }
            try {
                h.lock().release();
            } catch (IOException ignored) {
                // The channel's close below releases it as well.
            }
            closeQuietly(h.channel());
            HELD_HERE.remove(h.file());
            if (untouched) {
                for (Path dir : h.made()) {
                    try {
                        Files.deleteIfExists(dir);
                    } catch (IOException e) {
                        break; // not empty: another run's now, or a file of someone else's
                    }
                }
            }
        }
        held.clear();
    }

    /** Whether {@code file}'s folder holds nothing but {@code file}. */
    private static boolean holdsOnly(Path file) {
        try (java.util.stream.Stream<Path> entries = Files.list(file.getParent())) {
            return entries.allMatch(file::equals);
        } catch (IOException e) {
            return false;
        }
    }
}
