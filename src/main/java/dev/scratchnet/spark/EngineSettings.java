package dev.scratchnet.spark;

import static dev.scratchnet.config.Setting.Group.ENGINE;

import dev.scratchnet.config.Setting;
import java.util.List;

/** The knobs of the Spark engine: how the data is partitioned, how gradients are summed, how the driver waits. */
public final class EngineSettings {
    private EngineSettings() {}

    public static final Setting<Integer> PARTITIONS = Setting.integerOrAuto(ENGINE, "partitions", 1, 100_000,
            "partitions of the cached training set (auto: Spark's default parallelism)").param();
    public static final Setting<Integer> TREE_DEPTH = Setting.integer(ENGINE, "treeDepth", 2, 1, 10,
            "depth of the tree that sums the partitions' gradients, always in partition order (1: all on the driver)")
            .param();
    public static final Setting<Double> NO_EXECUTOR_TIMEOUT = Setting.decimal(ENGINE, "noExecutorTimeout", 120,
            "≥ 0 seconds (0: wait forever)", v -> {
                if (v < 0) {
                    throw new IllegalArgumentException("must be ≥ 0");
                }
            }, "on a cluster, give up when no executor has been registered for this long, from the start on "
                    + "(Spark itself would wait forever)");
    public static final Setting<Boolean> CLOSURE_CHECK_CACHE = Setting.bool(ENGINE, "closureCheckCache", true,
            "run Spark's closure class-file check once per closure class instead of once per job "
                    + "(false: Spark's own SparkContext)");

    public static final Setting<Boolean> NATIVE_BLAS = Setting.bool(ENGINE, "nativeBlas", true,
            "use the OpenBLAS shipped in the jar (Linux x86-64 and arm64) on the driver and every executor; false, or "
                    + "when it cannot load (one line says why): netlib's pure-Java VectorBLAS").param();

    public static final Setting<Boolean> C2_FOR_ARITHMETIC_ONLY = Setting.bool(ENGINE, "c2ArithmeticOnly", false,
            "let HotSpot's C2 compiler compile only the arithmetic (scratchnet, netlib's BLAS, the Vector API) in the "
                    + "driver and every executor, and C1 the rest (Spark, Scala, the JDK): the first epochs stop "
                    + "competing with C2 compiling Spark's per-job code. JVM-wide and for the JVM's life, so off unless "
                    + "the JVMs are scratchnet's own (conf/spark-defaults.conf turns it on)").param();

    /** In the order the README lists them. */
    public static final List<Setting<?>> ALL = List.of(PARTITIONS, TREE_DEPTH, NATIVE_BLAS, C2_FOR_ARITHMETIC_ONLY,
            NO_EXECUTOR_TIMEOUT, CLOSURE_CHECK_CACHE);
}
