package dev.scratchnet.spark;

import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.SumTree;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkEnv;
import org.apache.spark.rpc.RpcCallContext;
import org.apache.spark.rpc.RpcEnv;
import org.apache.spark.rpc.ThreadSafeRpcEndpoint;
import scala.runtime.AbstractPartialFunction;
import scala.runtime.BoxedUnit;

/**
 * The driver's side of a run of steps in several partitions: an endpoint on Spark's own RPC environment (the one
 * the scheduler and {@code BarrierCoordinator} use, so authenticated and encrypted as Spark's settings say) that
 * every task of the run hands its partition's sum to, each step ({@link SyncClient}). When every partition's sum of
 * a round is in, it adds them over the fixed {@link SumTree} in partition order — the same bits whatever order they
 * arrived in — and answers every task with the total, and with whether to stop after this step (an interrupt: the
 * same answer for all). No Spark job a step, no sleep: a round costs one round trip to the driver.
 *
 * <p>Rounds are numbered by the tasks, from 0, within an attempt ({@link #attempt}: the stage's attempt, then the
 * task's); a later attempt (Spark retrying the barrier stage after a task or an executor was lost, or retrying the
 * one task of a local run) starts afresh and the earlier attempt's late messages are refused. A round
 * that some partitions joined and others did not within {@code timeoutSeconds} ends the run with one line naming
 * the missing partitions and the executors they last ran on.
 */
final class StepSync implements ThreadSafeRpcEndpoint, AutoCloseable {
    /** A round's kind: a step's gradient sums (which may carry the stop) or a batch-normalization exchange. */
    static final byte STEP = 0;
    static final byte BATCH_NORM = 1;

    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** The endpoints of this JVM by name: a task in the driver's JVM ({@code local[N]}) hands its sums in directly. */
    private static final java.util.concurrent.ConcurrentHashMap<String, StepSync> IN_THIS_JVM =
            new java.util.concurrent.ConcurrentHashMap<>();

    private final RpcEnv rpcEnv;
    private final String name;
    private final int parts;
    private final dev.scratchnet.training.StepWatcher watcher;
    private long stepsThisAttempt;
    private final double timeoutSeconds;
    private final Runnable onTimeout;
    private final ScheduledExecutorService watchdog;

    private int attempt = -1;
    private int round = -1;
    private SumTree.Nodes nodes;
    private final RpcCallContext[] waiting;
    private final String[] executors;
    private final boolean[] wantsBytes;
    private int arrived;
    private long roundStart;
    private volatile String failure;
    private SyncSocket.Server socket;

    /** Not registered anywhere: {@link #start} registers it (tests call {@link #receiveAndReply} directly). */
    StepSync(RpcEnv rpcEnv, int parts, dev.scratchnet.training.StepWatcher watcher, double timeoutSeconds,
             Runnable onTimeout) {
        this.rpcEnv = rpcEnv;
        this.name = "scratchnet-steps-" + RUNS.incrementAndGet();
        this.parts = parts;
        this.watcher = watcher;
        this.timeoutSeconds = timeoutSeconds;
        this.onTimeout = onTimeout;
        this.waiting = new RpcCallContext[parts];
        this.executors = new String[parts];
        this.wantsBytes = new boolean[parts];
        this.watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers an endpoint for a run of {@code parts} partitions on this driver's RPC environment, which tells
     * {@code watcher} of each step and asks it whether to stop; {@code onTimeout}
     * (cancelling the run's job) runs once if a round is left incomplete for {@code timeoutSeconds}, or when a task
     * says the run cannot go on; with {@code socket}, it opens a {@link SyncSocket} too, on {@code socketPort} (0: any
     * free port), unless Spark's RPC is encrypted or the run has more partitions than the socket serves.
     */
    static StepSync start(int parts, dev.scratchnet.training.StepWatcher watcher, double timeoutSeconds,
                          Runnable onTimeout, boolean socket, int socketPort) {
        SparkEnv env = SparkEnv.get();
        StepSync sync = new StepSync(env.rpcEnv(), parts, watcher, timeoutSeconds, onTimeout);
        sync.rpcEnv.setupEndpoint(sync.name, sync);
        IN_THIS_JVM.put(sync.name, sync);
        if (socket && parts <= SyncSocket.MAX_PARTITIONS && SyncSocket.wanted(env.conf())) {
            String advertised = sync.rpcEnv.address().host();
            try {
                sync.socket = new SyncSocket.Server(sync, env.conf().get("spark.driver.bindAddress", advertised),
                        socketPort, env.conf().getInt("spark.port.maxRetries", 16), advertised,
                        env.securityManager().getSecretKey());
            } catch (java.io.IOException | RuntimeException e) {
                org.apache.logging.log4j.LogManager.getLogger(StepSync.class).warn("scratchnet: no sync socket on "
                        + advertised + " (" + e + "): the tasks hand their sums in over Spark's RPC");
            }
        }
        if (timeoutSeconds > 0) {
            sync.watchdog.scheduleWithFixedDelay(sync::checkTimeout, 1, 1, TimeUnit.SECONDS);
        }
        return sync;
    }

    /** The endpoint {@code name} when it is in this JVM (the task runs in the driver's), else null. */
    static StepSync inThisJvm(String name) {
        return IN_THIS_JVM.get(name);
    }

    /**
     * A task in this JVM hands in its sum without Spark's RPC: the same rounds, answered by completing
     * {@code answer} (by the thread whose sum completes the round) instead of through the RPC's dispatcher.
     */
    void direct(Local m, java.util.concurrent.CompletableFuture<Object> answer) {
        receive(m.attempt(), m.round(), m.partition(), m.kind(), m.executor(), m.sum(), replyTo(answer), false);
    }

    /**
     * An answer that completes {@code answer} (by the thread whose sum completes the round), exceptionally with a
     * refusal: for a task in this JVM ({@link #direct}) and for a {@link SyncSocket} connection's thread.
     */
    static RpcCallContext replyTo(java.util.concurrent.CompletableFuture<Object> answer) {
        return new RpcCallContext() {
            @Override
            public void reply(Object response) {
                answer.complete(response);
            }

            @Override
            public void sendFailure(Throwable e) {
                answer.completeExceptionally(e);
            }

            @Override
            public org.apache.spark.rpc.RpcAddress senderAddress() {
                return null;
            }
        };
    }

    /** The driver's {@link SyncSocket} ({@code host:port}) for tasks on other hosts, or null: none, Spark's RPC. */
    String socketAddress() {
        return socket == null ? null : socket.address();
    }

    /** The endpoint's name, which the tasks look it up by. */
    String name() {
        return name;
    }

    /** Why the run was ended (a round left incomplete), or null. */
    String failure() {
        return failure;
    }

    @Override
    public RpcEnv rpcEnv() {
        return rpcEnv;
    }

    @Override
    public scala.PartialFunction<Object, BoxedUnit> receiveAndReply(RpcCallContext context) {
        return new AbstractPartialFunction<>() {
            @Override
            public boolean isDefinedAt(Object message) {
                return message instanceof byte[] || message instanceof Local || message instanceof String;
            }

            @Override
            public BoxedUnit apply(Object message) {
                if (message instanceof String stop) {
                    stopFrom(stop);
                    context.reply(Boolean.TRUE);
                } else if (message instanceof Local m) {
                    receive(m.attempt(), m.round(), m.partition(), m.kind(), m.executor(), m.sum(), context, false);
                } else {
                    receiveBytes((byte[]) message, context);
                }
                return BoxedUnit.UNIT;
            }
        };
    }

    /** A remote task's message ({@link #header}, then its sum), from Spark's RPC or the {@link SyncSocket}. */
    void receiveBytes(byte[] message, RpcCallContext context) {
        ByteBuffer b = ByteBuffer.wrap(message);
        int attempt = b.getInt();
        int round = b.getInt();
        int partition = b.getInt();
        byte kind = b.get();
        byte[] executor = new byte[b.getShort()];
        b.get(executor);
        if (partition < 0 || partition >= parts) {
            context.sendFailure(new IllegalStateException("no partition " + partition + " in a run of " + parts));
            return;
        }
        receive(attempt, round, partition, kind, new String(executor, StandardCharsets.UTF_8),
                GradientSumCodec.read(b), context, true);
    }

    /**
     * A task's message when the task runs in the driver's JVM ({@code local[N]}): Spark's RPC hands it over without
     * serializing it, so neither the sum nor the total is copied. The answer is a {@link LocalAnswer}, read-only.
     */
    record Local(int attempt, int round, int partition, byte kind, String executor, GradientSum sum) {}

    /** The answer to a {@link Local} message: the total (shared by every task: read-only) and whether to stop. */
    record LocalAnswer(boolean stop, GradientSum total) {}

    /** A message from a task; {@code bytes}: the task is remote and wants the answer as bytes. */
    private synchronized void receive(int attempt, int round, int partition, byte kind, String executor,
                                      GradientSum sum, RpcCallContext context, boolean bytes) {
        if (failure != null || attempt < this.attempt) {
            context.sendFailure(new IllegalStateException(failure != null ? failure
                    : describe(attempt) + " was superseded by " + describe(this.attempt)));
            return;
        }
        if (attempt > this.attempt) { // Spark retries the stage: every task starts again from the run's start
            reset();
            this.attempt = attempt;
            this.round = -1;
            this.stepsThisAttempt = 0;
        }
        if (arrived == 0) {
            this.round = round;
            this.nodes = SumTree.Nodes.over(parts);
            this.roundStart = System.nanoTime();
        } else if (round != this.round || waiting[partition] != null) {
            context.sendFailure(new IllegalStateException("partition " + partition + " sent round " + round
                    + " during round " + this.round));
            return;
        }
        executors[partition] = executor;
        waiting[partition] = context;
        wantsBytes[partition] = bytes;
        nodes.add(partition, sum);
        if (++arrived < parts) {
            return;
        }
        GradientSum total = nodes.root();
        boolean stop = false;
        if (kind == STEP) {
            watcher.stepDone(++stepsThisAttempt, total);
            stop = watcher.stopRequested();
        }
        LocalAnswer local = new LocalAnswer(stop, total);
        byte[] encoded = null;
        for (int p = 0; p < parts; p++) {
            if (wantsBytes[p] && encoded == null) {
                ByteBuffer reply = ByteBuffer.allocate(1 + GradientSumCodec.size(total));
                reply.put((byte) (stop ? 1 : 0));
                GradientSumCodec.write(total, reply);
                encoded = reply.array();
            }
            waiting[p].reply(wantsBytes[p] ? encoded : local);
            waiting[p] = null;
        }
        arrived = 0;
        nodes = null;
    }

    /** One number for a task's attempt, ordered as Spark makes them: the stage's attempt, then the task's. */
    static int attempt(int stageAttempt, int taskAttempt) {
        return (stageAttempt << 16) | Math.min(taskAttempt, 0xffff);
    }

    /** {@code stage attempt 1}, or {@code stage attempt 0, task attempt 2}. */
    static String describe(int attempt) {
        int task = attempt & 0xffff;
        return "stage attempt " + (attempt >>> 16) + (task == 0 ? "" : ", task attempt " + task);
    }

    /** A task's message: its {@link #attempt}, round, partition, the round's kind and its executor; then the sum. */
    static ByteBuffer header(int attempt, int round, int partition, byte kind, String executor, int payload) {
        byte[] id = executor.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 4 + 4 + 1 + 2 + id.length + payload);
        return b.putInt(attempt).putInt(round).putInt(partition).put(kind).putShort((short) id.length).put(id);
    }

    /** Fails the waiting tasks of an abandoned round. */
    private void reset() {
        for (int p = 0; p < parts; p++) {
            if (waiting[p] != null) {
                waiting[p].sendFailure(new IllegalStateException("the stage attempt was superseded"));
                waiting[p] = null;
            }
        }
        arrived = 0;
        nodes = null;
    }

    /**
     * A task's message that the run cannot go on ({@code "ATTEMPT:one line"}, e.g. the step diverged: every task
     * finds the same), so that the run ends with that line rather than with Spark retrying a stage that can only fail
     * the same way.
     */
    static String stopMessage(int attempt, String line) {
        return attempt + ":" + line;
    }

    /** A task's {@link #stopMessage}. */
    void stopFrom(String message) {
        end(message.substring(message.indexOf(':') + 1), Integer.parseInt(message.substring(0, message.indexOf(':'))));
    }

    private synchronized void end(String line, int attempt) {
        if (failure == null && attempt >= this.attempt) {
            failure = line;
            reset();
            onTimeout.run();
        }
    }

    /** Ends the run when a round has waited {@code timeoutSeconds} for some partitions (the watchdog's check). */
    synchronized void checkTimeout() {
        if (failure != null || arrived == 0 || (System.nanoTime() - roundStart) / 1e9 < timeoutSeconds) {
            return;
        }
        StringBuilder missing = new StringBuilder();
        for (int p = 0; p < parts; p++) {
            if (waiting[p] == null) {
                missing.append(missing.length() == 0 ? "" : ", ").append(p)
                        .append(executors[p] == null ? "" : " (executor " + executors[p] + ")");
            }
        }
        failure = String.format(Locale.ROOT, "partition%s %s sent nothing for round %d of %s within %s s "
                        + "while the others waited (%s): a task that hangs, or an executor that stopped answering",
                parts - arrived == 1 ? "" : "s", missing, round, describe(attempt),
                java.math.BigDecimal.valueOf(timeoutSeconds).stripTrailingZeros().toPlainString(),
                dev.scratchnet.registry.EngineSettings.SYNC_TIMEOUT.key());
        reset();
        onTimeout.run();
    }

    @Override
    public void close() {
        IN_THIS_JVM.remove(name, this);
        watchdog.shutdownNow();
        if (socket != null) {
            socket.close();
        }
        synchronized (this) {
            reset();
        }
        if (rpcEnv != null) { // registered by start
            stop();
        }
    }
}
