package dev.scratchnet.cli;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.data.MnistFetcher;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.report.AtomicFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * MNIST for a command. The default folder ({@code data/mnist}) is fetched into when it is missing or empty, so
 * {@code ./submit.sh} works on a fresh clone; any other folder must hold the data already (a mistyped path
 * must never quietly train on freshly fetched MNIST): {@code fetch-data} fetches there explicitly.
 */
final class MnistData {
    private MnistData() {}

    /** Fetches MNIST into the default folder when the run reads MNIST from it and it is missing or empty. */
    static void prepare(Configuration config, PrintStream out) {
        if (config.get(DataSettings.FORMAT) != DataSettings.Format.MNIST
                || !config.get(DataSettings.DATA_DIR).equals(DataSettings.DEFAULT_MNIST_DIR)) {
            return;
        }
        Path dir = Path.of(DataSettings.DEFAULT_MNIST_DIR);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ScratchnetException(DataSettings.DATA_DIR.key() + ": " + dir + " is not a folder");
        }
        if (!Files.exists(dir) || isEmpty(dir)) {
            MnistFetcher.ensure(dir, out);
        }
    }

    /**
     * Before a run makes its output folder: a {@code data.dir} for MNIST that is a local folder and does not exist is
     * refused with the line the data's load would give (nothing is fetched into a folder nobody asked for: the default
     * folder alone is fetched). A {@code file:} path is local wherever the run is; a path without a scheme only where
     * {@code plainPathsAreLocal} (read in this JVM, or by a local master without another default file system); any
     * other path is checked where the data is read.
     */
    static void checkLocalDir(Configuration config, boolean plainPathsAreLocal) {
        String dir = config.get(DataSettings.DATA_DIR);
        if (config.get(DataSettings.FORMAT) != DataSettings.Format.MNIST || dir.equals(DataSettings.DEFAULT_MNIST_DIR)
                || !plainPathsAreLocal && !dir.startsWith("file:")) {
            return;
        }
        Path path;
        try {
            path = localPath(dir);
        } catch (IllegalArgumentException e) { // InvalidPathException too: the load says what is wrong with it
            return;
        }
        if (path != null && !Files.exists(path)) {
            throw missing(path, dir);
        }
    }

    /** {@code data.dir} as a local path (a {@code file:} URI, or a path without a scheme); null: another file system. */
    private static Path localPath(String dir) {
        if (dir.startsWith("file:")) {
            return Path.of(java.net.URI.create(dir));
        }
        return DataSettings.hasScheme(dir) ? null : Path.of(dir);
    }

    /** {@code data.dir} ({@code dir} as written, {@code path} as read) does not exist: say how to fetch MNIST there. */
    private static ScratchnetException missing(Path path, String dir) {
        return new ScratchnetException(DataSettings.DATA_DIR.key() + ": " + path + " does not exist; "
                + "./submit.sh fetch-data --conf " + DataSettings.DATA_DIR.key() + "=" + dir + " fetches MNIST there");
    }

    /** MNIST from a local {@code data.dir}, in this JVM (gradcheck, evaluate, train --in-process). */
    static Mnist.Split load(Configuration config, PrintStream out, String command) {
        Path path = checkLoadable(config, command);
        String dir = config.get(DataSettings.DATA_DIR);
        prepare(config, out);
        if (!Files.exists(path)) {
            throw missing(path, dir);
        }
        return Mnist.load(path);
    }

    /**
     * What {@link #load} refuses before reading anything (so that a command can refuse it before it makes its output
     * folder): another data format, a path setting that cannot be one, a {@code data.dir} on another file system.
     * Returns {@code data.dir} as a local path.
     */
    static Path checkLoadable(Configuration config, String command) {
        if (config.get(DataSettings.FORMAT) != DataSettings.Format.MNIST) {
            throw new ScratchnetException(DataSettings.FORMAT.key() + ": " + command + " reads MNIST's IDX files only, not "
                    + config.text(DataSettings.FORMAT));
        }
        DataSettings.checkPaths(config);
        String dir = config.get(DataSettings.DATA_DIR);
        Path path = localPath(dir);
        if (path == null) {
            throw new ScratchnetException(DataSettings.DATA_DIR.key() + ": " + command + " reads a local folder, not " + dir);
        }
        return path;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new ScratchnetException(DataSettings.DATA_DIR.key() + ": cannot list " + dir + ": " + AtomicFiles.oneLine(e), e);
        }
    }
}
