package dev.scratchnet.spark;

import dev.scratchnet.math.NativeBlas;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.partition.Evaluation;
import dev.scratchnet.partition.ExampleBlock;
import dev.scratchnet.training.EpochResult;
import dev.scratchnet.training.EpochRunner;
import dev.scratchnet.training.EpochTask;
import dev.scratchnet.training.StepWatcher;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * A run of steps where the data is, as one Spark job ({@link SparkEngine#runSteps}): every partition's task runs
 * {@link EpochRunner} (the step loop) on its cached block; with several partitions the tasks form a barrier stage
 * whose shares meet each step through {@link StepSync} on the driver. Here too the Scala interop a barrier stage
 * needs from Java.
 */
final class EpochJob {
    private final JavaSparkContext sc;
    private final CachedBlocks train;
    /** The test set's blocks (null: none), which a local run's task counts as each epoch ends. */
    private final CachedBlocks test;
    private final boolean nativeBlas;
    private final Sync syncSettings;
    private final SparkEngine.BlockGradient gradient;

    /**
     * How a run's steps meet on the driver ({@link StepSync}): how long a round may wait ({@code timeoutSeconds}),
     * and whether tasks on other hosts use the driver's socket ({@code socket}), on which {@code port} (0: any).
     */
    record Sync(double timeoutSeconds, boolean socket, int port) {
        static Sync of(dev.scratchnet.config.Configuration config) {
            return new Sync(config.get(dev.scratchnet.registry.EngineSettings.SYNC_TIMEOUT),
                    config.get(dev.scratchnet.registry.EngineSettings.SYNC_SOCKET),
                    config.get(dev.scratchnet.registry.EngineSettings.SYNC_PORT));
        }
    }

    EpochJob(JavaSparkContext sc, CachedBlocks train, CachedBlocks test, boolean nativeBlas, Sync syncSettings,
             SparkEngine.BlockGradient gradient) {
        this.sc = sc;
        this.train = train;
        this.test = test;
        this.nativeBlas = nativeBlas;
        this.syncSettings = syncSettings;
        this.gradient = gradient;
    }

    /**
     * One job for {@code task}'s steps: each partition's task takes every step, with the step's total its own
     * gradient sum when it is the only partition, else the {@link SumTree} of every partition's, which the driver adds
     * and hands back each step ({@link StepSync}) to the tasks of a barrier stage (they run at once, and fail and are
     * retried together). Partition 0 returns the parameters and the optimizer; every partition its counts. The
     * driver tells {@code watcher} of every step, and when it asks for a stop, its answer to the next step ends the job
     * after that step.
     */
    EpochResult run(EpochTask task, double[] params, Optimizer optimizer, StepWatcher watcher) {
        var from = task.span().from().next();
        sc.setJobDescription("train: from epoch " + (from.epoch() + 1) + " step " + (from.stepInEpoch() + 1));
        int parts = train.partitions();
        String tag = "scratchnet-steps-" + java.util.UUID.randomUUID();
        // In local mode the task runs in this JVM: it takes the parameters and the optimizer from here and leaves its
        // result here, where broadcasting them and sending the result back serialized 5 MB each way (about 70 ms of
        // an epoch of the demo, the same with one core or many). Elsewhere, broadcasts.
        Handoff handoff = sc.isLocal() ? new Handoff(params, optimizer) : null;
        if (handoff != null) {
            IN_THIS_JVM.put(tag, handoff);
        }
        Broadcast<double[]> start = handoff == null ? sc.broadcast(params) : null;
        Broadcast<Optimizer> startOptimizer = handoff == null ? sc.broadcast(optimizer) : null;
        StepSync sync = parts == 1 ? null
                : StepSync.start(parts, watcher, syncSettings.timeoutSeconds(), () -> sc.sc().cancelJobsWithTag(tag),
                        syncSettings.socket() && !sc.isLocal(), syncSettings.port());
        try {
            // In local[N], N threads (no more than the processors) whatever the partitions (a thread may take several);
            // elsewhere a thread a partition.
            int ways = sc.isLocal() ? localThreads(sc.defaultParallelism(), Runtime.getRuntime().availableProcessors())
                    : Integer.MAX_VALUE;
            // In local mode the task counts the test set too as each epoch ends (its cached blocks are in this JVM):
            // no job an epoch for it. On a cluster the driver's evaluation does, a job an epoch.
            org.apache.spark.rdd.RDD<ExampleBlock> testHere = handoff != null && test != null ? test.rdd().rdd() : null;
            EpochSteps steps = new EpochSteps(task, start, startOptimizer, handoff == null ? null : tag, train.starts(),
                    nativeBlas, sync == null ? null : sync.name(), sync == null ? null : sync.socketAddress(),
                    syncSettings.timeoutSeconds(), gradient, ways, testHere,
                    testHere == null ? null : testHere.partitions(), testHere == null ? null : test.starts());
            List<Indexed> results;
            try {
                results = parts == 1
                        ? train.rdd().mapPartitions(blocks -> steps.call(List.of(blocks.next())), true).collect()
                        : barrierRun(steps, tag);
            } catch (Throwable e) { // SparkException too: checked in Java, thrown undeclared by Scala
                if (sync != null && sync.failure() != null) {
                    throw new dev.scratchnet.ScratchnetException(sync.failure(), e);
                }
                throw e;
            }
            results = results.stream().sorted(java.util.Comparator.comparingInt(Indexed::firstPartition))
                    .map(r -> r.result() == null ? new Indexed(r.firstPartition(), handoff.result) : r).toList();
            EpochResult first = results.get(0).result();
            List<EpochResult.Epoch> epochs = new java.util.ArrayList<>();
            for (int e = 0; e < first.epochs().size(); e++) {
                List<Evaluation> counts = new java.util.ArrayList<>();
                for (Indexed r : results) {
                    counts.addAll(r.result().epochs().get(e).byPartition());
                }
                EpochResult.Epoch mine = first.epochs().get(e);
                epochs.add(new EpochResult.Epoch(mine.lossSum(), mine.weightSum(), counts, mine.nanos(),
                        mine.countNanos(), mine.test()));
            }
            return first.withEpochs(epochs);
        } finally {
            if (sync != null) {
                sync.close();
            }
            if (handoff != null) {
                IN_THIS_JVM.remove(tag);
            } else {
                start.destroy();
                startOptimizer.destroy();
            }
        }
    }

    /**
     * The threads local mode's one task computes the partitions' shares on: Spark's task slots ({@code N} of
     * {@code local[N]}), but no more than the JVM's processors. More threads than processors only take turns: every
     * step hands each share's sum in and wakes every thread, and {@code local[8]} on two cores spent 1.2 ms a step on
     * that against 0.2 ms on two threads (an empty step). The bits do not depend on the threads.
     */
    static int localThreads(int slots, int processors) {
        return Math.max(1, Math.min(slots, processors));
    }

    /**
     * The barrier stage: a task a partition when Spark has a task slot for each, else as many tasks as slots, each
     * taking a contiguous group of partitions (their cached blocks read through the blocks' RDD, where they are
     * cached) and running them on as many threads. It ends in a shuffle into one partition, as XGBoost's does:
     * Spark retries a failed barrier stage whole when it is a shuffle map stage (a failed barrier result stage
     * aborts the job).
     */
    private List<Indexed> barrierRun(EpochSteps steps, String tag) {
        int parts = train.partitions();
        // In local[N] every partition's thread is in this JVM: one task holds them all and shares one update, cut
        // into ranges over its threads. On a cluster, a task a partition while there is a slot for each.
        int tasks = sc.isLocal() ? 1 : Math.min(parts, sc.defaultParallelism());
        scala.reflect.ClassTag<Indexed> type = scala.reflect.ClassTag$.MODULE$.apply(Indexed.class);
        org.apache.spark.rdd.RDD<ExampleBlock> blocks = train.rdd().rdd();
        org.apache.spark.rdd.RDD<Indexed> out;
        if (tasks == parts) {
            out = blocks.barrier().mapPartitions(new BarrierSteps<ExampleBlock>(steps, null, null), true, type);
        } else {
            List<scala.Tuple2<int[], scala.collection.immutable.Seq<String>>> groups = new java.util.ArrayList<>();
            for (int t = 0; t < tasks; t++) {
                int from = (int) ((long) t * parts / tasks);
                int to = (int) ((long) (t + 1) * parts / tasks);
                int[] group = java.util.stream.IntStream.range(from, to).toArray();
                List<String> where = new java.util.ArrayList<>();
                sc.sc().getPreferredLocs(blocks, from).foreach(l -> where.add(l.toString()));
                groups.add(new scala.Tuple2<>(group, scala.jdk.javaapi.CollectionConverters.asScala(where).toSeq()));
            }
            org.apache.spark.rdd.RDD<int[]> grouped = sc.sc().makeRDD(
                    scala.jdk.javaapi.CollectionConverters.asScala(groups).toSeq(),
                    scala.reflect.ClassTag$.MODULE$.apply(int[].class));
            BarrierSteps<int[]> run = new BarrierSteps<>(steps, blocks, blocks.partitions());
            // One task needs no barrier (nothing to start together) and no shuffle to be retried: a plain job.
            out = tasks == 1 ? grouped.mapPartitions(run, true, type) : grouped.barrier().mapPartitions(run, true, type);
        }
        sc.sc().addJobTag(tag);
        String interrupt = sc.getLocalProperty("spark.job.interruptOnCancel");
        sc.setLocalProperty("spark.job.interruptOnCancel", "true"); // a hung task is stopped, not left behind
        try {
            JavaRDD<Indexed> results = new JavaRDD<>(out, type);
            return (tasks == 1 ? results : results.repartition(1)).collect();
        } finally {
            sc.setLocalProperty("spark.job.interruptOnCancel", interrupt);
            sc.sc().removeJobTag(tag);
        }
    }

    /** The runs in this JVM's driver whose task runs in this JVM too (local mode), by job tag. */
    private static final java.util.concurrent.ConcurrentHashMap<String, Handoff> IN_THIS_JVM =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** What a local run's task starts from (the driver's, which it copies) and where it leaves its result. */
    private static final class Handoff {
        final double[] params;
        final Optimizer optimizer;
        volatile EpochResult result;

        Handoff(double[] params, Optimizer optimizer) {
            this.params = params;
            this.optimizer = optimizer;
        }
    }

    /** A task's result of a run of steps, with the first partition it ran (0: the one that carries the parameters). */
    record Indexed(int firstPartition, EpochResult result) implements Serializable {}

    /**
     * One task of an epoch run (serializable: it travels with the task); {@code test}, {@code testPartitions} (taken on
     * the driver: an RDD in a task cannot list them) and {@code testStarts}: the test set's cached blocks, which the
     * task holding partition 0 counts as each epoch ends (local mode), else null.
     */
    private record EpochSteps(EpochTask task, Broadcast<double[]> start, Broadcast<Optimizer> optimizer,
                              String handoff, int[] starts,
                              boolean nativeBlas, String sync, String syncSocket, double syncTimeout,
                              SparkEngine.BlockGradient gradient,
                              int ways, org.apache.spark.rdd.RDD<ExampleBlock> test,
                              org.apache.spark.Partition[] testPartitions, int[] testStarts)
            implements Serializable {
        /** Runs the task's blocks (in partition order), each on a thread of its own when there are several. */
        java.util.Iterator<Indexed> call(List<ExampleBlock> blocks) {
            NativeBlas.install(nativeBlas);
            List<EpochRunner.TestBlock> tests = new java.util.ArrayList<>();
            if (test != null && blocks.get(0).partition() == 0) {
                for (org.apache.spark.Partition p : testPartitions) { // read here: the task's thread has its context
                    ExampleBlock b = test.iterator(p, org.apache.spark.TaskContext.get()).next();
                    tests.add(new EpochRunner.TestBlock(b, testStarts[b.partition()]));
                }
            }
            List<EpochRunner.Share> shares = new java.util.ArrayList<>();
            for (ExampleBlock b : blocks) {
                shares.add(new EpochRunner.Share(b, starts[b.partition()], sync == null
                        ? dev.scratchnet.partition.StepExchange.ALONE : new SyncClient(sync, b.partition(), syncTimeout, syncSocket)));
            }
            int atOnce = EpochRunner.threadsAtOnce(task.shares().spec(), shares.size(), ways);
            java.util.concurrent.ExecutorService threads = shares.size() == 1 ? null
                    : java.util.concurrent.Executors.newFixedThreadPool(atOnce, r -> {
                        Thread t = new Thread(r, "scratchnet-share");
                        t.setDaemon(true);
                        return t;
                    });
            try {
                EpochResult r;
                Handoff local = handoff == null ? null : IN_THIS_JVM.get(handoff);
                if (handoff != null && local == null) {
                    throw new IllegalStateException("the run " + handoff + " is not in this JVM");
                }
                try {
                    r = EpochRunner.run(shares, tests, task,
                            local != null ? local.params.clone() : start.value().clone(),
                            local != null ? local.optimizer.copy() : cloneOf(optimizer.value()), gradient,
                            threads, Math.min(ways, shares.size()), blocks.size() == starts.length);
                } catch (dev.scratchnet.ScratchnetException e) {
                    // A user's mistake or a diverged step: the same on every retry, so the run ends with its line.
                    if (sync != null) {
                        ((SyncClient) shares.get(0).exchange()).stopRun(e.getMessage());
                    }
                    throw e;
                }
                int first = blocks.get(0).partition();
                if (local != null && first == 0) {
                    local.result = r; // the driver takes it from here; nothing to serialize
                    return List.of(new Indexed(first, null)).iterator();
                }
                return List.of(new Indexed(first, first == 0 ? r : r.countsOnly())).iterator();
            } finally {
                if (threads != null) {
                    threads.shutdownNow();
                }
            }
        }
    }

    /**
     * {@link EpochSteps} as the Scala function a barrier stage takes: over the blocks' own partitions ({@code blocks}
     * null), or over groups of partition indices whose blocks it reads through {@code blocks}.
     */
    private static final class BarrierSteps<T>
            extends scala.runtime.AbstractFunction1<scala.collection.Iterator<T>, scala.collection.Iterator<Indexed>>
            implements Serializable {
        private static final long serialVersionUID = 1L;
        private final EpochSteps steps;
        private final org.apache.spark.rdd.RDD<ExampleBlock> blocks;
        private final org.apache.spark.Partition[] partitions;

        BarrierSteps(EpochSteps steps, org.apache.spark.rdd.RDD<ExampleBlock> blocks,
                     org.apache.spark.Partition[] partitions) {
            this.steps = steps;
            this.blocks = blocks;
            this.partitions = partitions;
        }

        @Override
        public scala.collection.Iterator<Indexed> apply(scala.collection.Iterator<T> in) {
            List<ExampleBlock> mine = new java.util.ArrayList<>();
            if (blocks == null) {
                mine.add((ExampleBlock) in.next());
            } else {
                for (int p : (int[]) in.next()) {
                    mine.add(blocks.iterator(partitions[p], org.apache.spark.TaskContext.get()).next());
                }
            }
            return scala.jdk.javaapi.CollectionConverters.asScala(steps.call(mine));
        }
    }

    /** A task's own copy of the optimizer (a broadcast value is shared by the tasks of an executor). */
    private static Optimizer cloneOf(Optimizer o) {
        try {
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
                out.writeObject(o);
            }
            try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                    new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
                return (Optimizer) in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new IllegalStateException("cannot copy the optimizer", e);
        }
    }
}
