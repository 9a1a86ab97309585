package dev.scratchnet.spark;

import dev.scratchnet.partition.PartitionStep;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Test-only task behaviours for {@link SparkEngine}'s {@link SparkEngine.BlockGradient} seam. */
public final class FaultInjection {
    private FaultInjection() {}

    /**
     * The production gradient, except that the first task to find no file at {@code marker} creates it and
     * fails, so Spark retries the task. The marker is a file, not a flag, because tasks run in other threads
     * or JVMs and a retried task must see that the failure already happened.
     */
    public static SparkEngine.BlockGradient failOnce(Path marker) {
        String path = marker.toString();
        return (block, start, step, params, sums, scratch) -> {
            try {
                Files.createFile(Path.of(path));
            } catch (FileAlreadyExistsException e) {
                return PartitionStep.gradientSum(block, start, step, params, sums, scratch);
            } catch (IOException e) {
                throw new IllegalStateException("cannot create fault marker " + path, e);
            }
            throw new IllegalStateException("injected task failure (marker " + path + ")");
        };
    }
}
