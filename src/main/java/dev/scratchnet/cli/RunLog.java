package dev.scratchnet.cli;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.math.Blas;
import java.io.PrintStream;
import java.util.Map;

/** The provenance lines every run starts with: versions, BLAS, the effective configuration. */
final class RunLog {
    private RunLog() {}

    static void header(PrintStream out, String command, Configuration config) {
        out.println("scratchnet " + command + " | java " + System.getProperty("java.version") + " | spark "
                + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " | BLAS " + Blas.implementation());
        for (Map.Entry<String, String> e : config.effective().entrySet()) {
            out.println("  " + e.getKey() + " = " + e.getValue());
        }
    }
}
