package dev.scratchnet.registry;

import static dev.scratchnet.config.Setting.Group.ENGINE;

import dev.scratchnet.config.Choice;
import dev.scratchnet.config.Setting;
import java.util.List;
import java.util.Locale;

/** The knobs of the Spark engine: how the data is partitioned, how gradients are summed, how the driver waits. */
public final class EngineSettings {
    private EngineSettings() {}

    /** How the Spark engine schedules the steps. */
    public enum Mode implements Choice {
        /** {@link #EPOCH}: the fastest measured for every network and partitioning. */
        AUTO,
        /** One Spark job a step: the partitions' gradient sums come to the driver, which updates. */
        STEP,
        /**
         * One Spark job an epoch: every task takes every step; with several partitions, a barrier stage whose tasks
         * hand their sums to the driver each step over Spark's RPC and get the total back (with more partitions than
         * task slots, a task runs several partitions on as many threads).
         */
        EPOCH;

        @Override
        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * The most bytes a cached training set holds for {@code partitions=auto} to keep it as one partition (MNIST's
     * 60,000 images are 48 MB): one partition lets a whole epoch run in one job, where a job a step would cost more
     * than a small minibatch's arithmetic, and it fits an executor's default storage memory.
     */
    public static final long SMALL_DATA_BYTES = 64L << 20;

    public static final Setting<Mode> MODE = Setting.choice(ENGINE, "engine", Mode.class, Mode.AUTO,
            "how steps are scheduled: step (one Spark job a step: a broadcast, a treeAggregate) or epoch (one job an "
                    + "epoch: the partitions' tasks run at once, take every step and hand their sums to the driver each step "
                    + "(see syncSocket), one round trip, and apply the total they get back; more partitions than "
                    + "task slots run as threads of fewer tasks); auto is epoch. The same parameters either way");

    public static final Setting<Integer> PARTITIONS = Setting.integerOrAuto(ENGINE, "partitions", 1, 100_000,
            "partitions of the cached training set (auto: one for a set of at most 64 MB cached, which lets a whole "
                    + "epoch run in one job; else the input's partitions; for MNIST's IDX files Spark's default "
                    + "parallelism)").param();
    public static final Setting<Integer> TREE_DEPTH = Setting.integer(ENGINE, "treeDepth", 1, 1, 10,
            "depth of Spark's treeAggregate that sums the partitions' gradients over a fixed tree (the same bits in any "
                    + "arrival order): 1, every partition's sum to the driver (the fastest measured up to 32 partitions); "
                    + "deeper, executor-side levels and the last addition on an executor, so the driver receives one sum "
                    + "(shuffle stages: pays only when the driver's network is the limit)")
            .param();
    public static final Setting<Double> SYNC_TIMEOUT = Setting.decimal(ENGINE, "syncTimeout", 300,
            "≥ 0 seconds (0: wait forever)", v -> {
                if (v < 0) {
                    throw new IllegalArgumentException("must be ≥ 0");
                }
            }, "in an epoch run of several partitions, end the run with one line naming the partition and its "
                    + "executor when a step waits this long for a partition's sum while the others have sent theirs");
    public static final Setting<Boolean> SYNC_SOCKET = Setting.bool(ENGINE, "syncSocket", true,
            "in an epoch run of several partitions on a cluster, the tasks hand their sums to the driver over a TCP "
                    + "socket of its own (any free port; a handshake proves the application's secret both ways when "
                    + "spark.authenticate is on), one thread woken on each side a step; not when Spark's RPC is "
                    + "encrypted, for runs of more than 1024 partitions, or for a task that cannot reach it (a firewall): "
                    + "those use Spark's RPC, as false does");
    public static final Setting<Integer> SYNC_PORT = Setting.integer(ENGINE, "syncPort", 0, 0, 65535,
            "the port of the driver's sync socket (syncSocket): 0, any free port; else this one, or the first free one "
                    + "of the next spark.port.maxRetries, as Spark picks its own (a firewall can then let it through)");
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
    public static final List<Setting<?>> ALL = List.of(PARTITIONS, MODE, TREE_DEPTH, NATIVE_BLAS, C2_FOR_ARITHMETIC_ONLY,
            SYNC_TIMEOUT, SYNC_SOCKET, SYNC_PORT, NO_EXECUTOR_TIMEOUT, CLOSURE_CHECK_CACHE);
}
