package dev.scratchnet.cli;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * YARN's refusal of a container larger than its largest ({@code yarn.scheduler.maximum-allocation-mb}), which Spark's
 * YARN client raises before it submits the application, as one line naming the Spark setting that asked for it.
 */
final class YarnLimits {
    private YarnLimits() {}

    // Spark 4.2's org.apache.spark.deploy.yarn.Client.verifyClusterResources, word for word up to the numbers.
    private static final Pattern EXECUTOR = Pattern.compile("Required executor memory \\((\\d+) MB\\), offHeap memory "
            + "\\((\\d+)\\) MB, overhead \\((\\d+) MB\\), and PySpark memory \\((\\d+) MB\\) is above the max threshold "
            + "\\((\\d+) MB\\)");
    private static final Pattern AM = Pattern.compile("Required AM memory \\((\\d+)\\+(\\d+) MB\\) is above the max "
            + "threshold \\((\\d+) MB\\)");

    /**
     * One line for a container YARN cannot give, found anywhere in {@code e}'s causes, or null. {@code driverOnYarn}:
     * the application master is the driver ({@code --deploy-mode cluster}), so its memory is the driver's.
     */
    static String explain(Throwable e, boolean driverOnYarn) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (!(cause instanceof IllegalArgumentException) || cause.getMessage() == null) {
                continue;
            }
            Matcher executor = EXECUTOR.matcher(cause.getMessage());
            if (executor.find()) {
                long heap = Long.parseLong(executor.group(1));
                long offHeap = Long.parseLong(executor.group(2));
                long overhead = Long.parseLong(executor.group(3));
                long python = Long.parseLong(executor.group(4));
                return String.format("spark.executor.memory (--executor-memory) is %d MB: with %d MB of overhead "
                        + "(spark.executor.memoryOverhead)%s an executor's container would be %d MB, more than this "
                        + "YARN cluster's largest, %s MB (yarn.scheduler.maximum-allocation-mb)", heap, overhead,
                        offHeap + python == 0 ? "" : " and " + (offHeap + python) + " MB off the heap",
                        heap + offHeap + overhead + python, executor.group(5));
            }
            Matcher am = AM.matcher(cause.getMessage());
            if (am.find()) {
                long heap = Long.parseLong(am.group(1));
                long overhead = Long.parseLong(am.group(2));
                String setting = driverOnYarn ? "spark.driver.memory (--driver-memory)" : "spark.yarn.am.memory";
                String overheadSetting = driverOnYarn ? "spark.driver.memoryOverhead" : "spark.yarn.am.memoryOverhead";
                return String.format("%s is %d MB: with %d MB of overhead (%s) the application master's container would "
                        + "be %d MB, more than this YARN cluster's largest, %s MB (yarn.scheduler.maximum-allocation-mb)",
                        setting, heap, overhead, overheadSetting, heap + overhead, am.group(3));
            }
        }
        return null;
    }
}
