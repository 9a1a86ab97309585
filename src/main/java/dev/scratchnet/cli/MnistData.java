package dev.scratchnet.cli;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.data.MnistFetcher;
import dev.scratchnet.report.AtomicFiles;
import dev.scratchnet.training.Setting;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** MNIST for a command: fetched into {@code data.dir} when that folder is missing or empty, then loaded. */
final class MnistData {
    private MnistData() {}

    static Mnist.Split load(String dataDir, PrintStream out) {
        Path dir = Path.of(dataDir);
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ScratchnetException(Setting.DATA_DIR.key() + ": " + dir + " is not a folder");
        }
        if (!Files.exists(dir) || isEmpty(dir)) {
            MnistFetcher.ensure(dir, out);
        }
        return Mnist.load(dir);
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.findAny().isEmpty();
        } catch (IOException e) {
            throw new ScratchnetException(Setting.DATA_DIR.key() + ": cannot list " + dir + ": " + AtomicFiles.oneLine(e), e);
        }
    }
}
