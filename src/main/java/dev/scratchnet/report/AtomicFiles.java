package dev.scratchnet.report;

import dev.scratchnet.ScratchnetException;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * Writes files so that readers see either the old content or the complete new content, never a part.
 *
 * <p>The content goes to {@code .NAME.tmp-<random>} in the target's folder (same file system, so the
 * rename is atomic), is forced to disk, then renamed over the target. On any failure the temp file is
 * deleted and the previous target is left untouched.
 */
public final class AtomicFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /**
     * Writes {@code target} atomically with what {@code writer} puts into the stream. The stream is
     * buffered; closing it is harmless. The folder must exist (see {@link #ensureWritableDir}).
     *
     * @throws ScratchnetException when the file cannot be written (the old target is kept)
     */
    public static void write(Path target, IOConsumer<OutputStream> writer) {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (!Files.isDirectory(dir)) {
            throw new ScratchnetException("cannot write " + target + ": folder " + dir + " does not exist");
        }
        byte[] suffix = new byte[6];
        RANDOM.nextBytes(suffix);
        Path tmp = dir.resolve("." + absolute.getFileName() + ".tmp-" + HexFormat.of().formatHex(suffix));
        boolean moved = false;
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
                writer.accept(new NonClosing(out));
                out.flush();
                channel.force(true);
            }
            try {
                Files.move(tmp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the file system cannot rename atomically", e);
            }
            moved = true;
            syncDirectory(dir);
        } catch (IOException | RuntimeException e) {
            if (e instanceof ScratchnetException se) {
                throw se;
            }
            throw new ScratchnetException("cannot write " + target + ": " + oneLine(e), e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The write already failed; that failure is the one to report.
                }
            }
        }
    }

    /** Best effort: makes the rename itself durable. Not every platform can open a folder for fsync. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // The file is complete and in place; only its survival across a power cut is less certain.
        }
    }

    /** Writes {@code text} as UTF-8 to {@code target} atomically. */
    public static void writeString(Path target, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        write(target, out -> out.write(bytes));
    }

    /**
     * Makes sure {@code dir} exists (creating it and its parents if needed) and that files can be created
     * in it, by creating and deleting a probe file.
     *
     * @param what what the folder is for, e.g. "output folder"; starts the error message
     * @throws ScratchnetException "{@code <what> <dir> is not writable: <reason>}"
     */
    public static void ensureWritableDir(Path dir, String what) {
        try {
            Files.createDirectories(dir);
            Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new ScratchnetException(what + " " + dir + " is not writable: " + oneLine(e), e);
        }
    }

    /**
     * Whether {@code path} exists. Unlike {@link Files#exists}, which says "no" when it may not look, a
     * path behind a folder we may not enter is an error that says so.
     *
     * @throws ScratchnetException "{@code cannot read <path>: permission denied on <path>}"
     */
    public static boolean exists(Path path) {
        try {
            Files.readAttributes(path, BasicFileAttributes.class);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + path + ": " + oneLine(e), e);
        }
    }

    /**
     * Deletes the temporary files that writes into {@code dir} left when their process was killed
     * ({@code .NAME.tmp-*}, {@code .write-probe-*.tmp}). Only for a folder whose writer is known to be
     * gone, e.g. one this process has locked ({@link RunLock}): another live writer's file would vanish.
     *
     * @throws ScratchnetException when the folder cannot be listed or a file cannot be deleted
     */
    public static void deleteLeftovers(Path dir) {
        try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "{.*.tmp-*,.write-probe-*.tmp}")) {
            for (Path p : leftovers) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new ScratchnetException("cannot delete leftover temporary files in " + dir + ": " + oneLine(e), e);
        }
    }

    /**
     * What went wrong with a file, on one line, for ScratchnetException messages: "permission denied on
     * F", "F does not exist", the file system's reason, else the exception's first line.
     */
    public static String oneLine(Throwable e) {
        if (e instanceof FileAlreadyExistsException f) {
            return f.getFile() + " exists and is not a folder";
        }
        if (e instanceof NoSuchFileException f) {
            return f.getFile() + " does not exist";
        }
        if (e instanceof AccessDeniedException f) {
            return "permission denied on " + f.getFile();
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason() + ": " + f.getFile();
        }
        String message = e.getMessage() == null ? "" : e.getMessage();
        String firstLine = message.lines().findFirst().orElse("").strip();
        String kind = e.getClass().getSimpleName();
        return firstLine.isEmpty() ? kind : kind + " " + firstLine;
    }

    /** Lets the writer use try-with-resources without closing the channel before it is forced. */
    private static final class NonClosing extends FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            out.flush();
        }
    }
}
