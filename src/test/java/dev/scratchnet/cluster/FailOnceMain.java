package dev.scratchnet.cluster;

import dev.scratchnet.cli.Main;
import dev.scratchnet.spark.FaultInjection;
import java.nio.file.Path;
import org.apache.spark.SparkConf;

/**
 * The application's entry point with one gradient task failing once (the first to find no file at
 * {@code $SCRATCHNET_FAIL_ONCE_MARKER}), for {@link ClusterIT}: submitted with {@code --class} and the test jar
 * in {@code --jars}, so the fault happens inside a real executor and Spark retries the task there.
 */
public final class FailOnceMain {
    private FailOnceMain() {}

    public static void main(String[] args) {
        Path marker = Path.of(System.getenv("SCRATCHNET_FAIL_ONCE_MARKER"));
        int code = Main.run(args, new SparkConf(), System.out, System.err, FaultInjection.failOnce(marker));
        System.out.flush();
        System.exit(code);
    }
}
