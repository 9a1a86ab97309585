package dev.scratchnet.spark;

import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.StepExchange;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.TaskKilledException;
import org.apache.spark.rpc.RpcEndpointRef;
import org.apache.spark.rpc.RpcTimeout;
import org.apache.spark.util.RpcUtils;
import scala.concurrent.duration.FiniteDuration;
import scala.reflect.ClassTag;

/**
 * A task's side of {@link StepSync}: each exchange is one ask to the driver's endpoint with this partition's sum,
 * and the answer is the total. The task waits on the answer in short timed waits that check whether Spark killed
 * it (a failed stage, a cancelled job), never in a sleep.
 */
final class SyncClient implements StepExchange {
    private static final ClassTag<Object> ANY = scala.reflect.ClassTag$.MODULE$.apply(Object.class);

    private final RpcEndpointRef driver;
    private final RpcTimeout timeout;
    private final TaskContext task;
    private final int partition;
    private final String executor;
    private int round;
    private boolean stop;

    /**
     * Looks up the endpoint {@code name} on the driver, for {@code partition}'s task (the one running); a task on
     * another host than the driver's connects to its {@code socket} ({@code host:port}, null: none) and exchanges
     * there, or over Spark's RPC when it cannot reach the socket.
     */
    SyncClient(String name, int partition, double timeoutSeconds, String socket) {
        SparkEnv env = SparkEnv.get();
        this.inJvm = StepSync.inThisJvm(name);
        this.driver = inJvm != null ? null : RpcUtils.makeDriverRef(name, env.conf(), env.rpcEnv());
        // The driver's watchdog ends a round that hangs; this bound only keeps a lost answer from waiting forever.
        long seconds = timeoutSeconds > 0 ? (long) Math.ceil(timeoutSeconds) + 60 : 365L * 24 * 3600;
        this.timeout = new RpcTimeout(FiniteDuration.apply(seconds, TimeUnit.SECONDS),
                dev.scratchnet.registry.EngineSettings.SYNC_TIMEOUT.key());
        this.task = TaskContext.get();
        this.partition = partition;
        this.executor = env.executorId();
        // The driver's endpoint in this JVM (local[N]): the sums go to it directly, by reference; in the driver's JVM
        // through Spark's RPC otherwise (by reference too); to a remote driver as bytes that need only the JDK to read.
        this.local = inJvm != null || driver.address().equals(env.rpcEnv().address());
        this.socket = local || socket == null ? null : connect(socket, name, env);
    }

    private final StepSync inJvm;
    private final boolean local;
    private final SyncSocket.Client socket;

    /** A connection to the driver's socket {@code address}, closed as the task ends; null: Spark's RPC instead. */
    private SyncSocket.Client connect(String address, String name, SparkEnv env) {
        SyncSocket.Client c = SyncSocket.Client.connectOrNull(address, name, env.securityManager().getSecretKey(), 5_000,
                e -> org.apache.logging.log4j.LogManager.getLogger(SyncClient.class).warn("scratchnet: executor "
                        + executor + " cannot reach the driver's sync socket " + address + " (" + e
                        + "); its tasks hand their sums in over Spark's RPC"));
        if (c != null) {
            task.addTaskCompletionListener((org.apache.spark.util.TaskCompletionListener) done -> c.close());
        }
        return c;
    }

    @Override
    public GradientSum stepTotal(GradientSum mine) {
        return total(StepSync.STEP, mine);
    }

    @Override
    public double[] batchNormTotal(double[] partial) {
        return total(StepSync.BATCH_NORM, GradientSum.of(partial, 0, 0)).grad().clone();
    }

    @Override
    public java.util.function.Supplier<GradientSum> handIn(GradientSum mine) {
        java.util.function.Supplier<Object> answer = send(StepSync.STEP, mine);
        return () -> read(answer.get());
    }

    private GradientSum total(byte kind, GradientSum mine) {
        return read(send(kind, mine).get());
    }

    private GradientSum read(Object answer) {
        if (answer instanceof StepSync.LocalAnswer a) {
            stop = a.stop();
            return a.total(); // read only: StepUpdate reads the total and writes nothing into it
        }
        ByteBuffer b = ByteBuffer.wrap((byte[]) answer);
        stop = b.get() == 1;
        return GradientSumCodec.read(b);
    }

    @Override
    public boolean stopAfterStep() {
        return stop;
    }

    /**
     * Tells the driver that the run cannot go on ({@code line}: one line, the same on every task, e.g. a diverged
     * step), and waits until it has heard.
     */
    void stopRun(String line) {
        if (inJvm != null) {
            inJvm.stopFrom(StepSync.stopMessage(StepSync.attempt(task.stageAttemptNumber(), task.attemptNumber()), line));
            return;
        }
        try {
            scala.jdk.javaapi.FutureConverters.asJava(driver.ask(StepSync.stopMessage(StepSync.attempt(task.stageAttemptNumber(), task.attemptNumber()), line),
                    timeout, ANY)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // The driver could not be told: Spark's own retries and failure report remain.
        }
    }

    /** Sends this partition's sum of the next round; the returned call waits for the answer. */
    private java.util.function.Supplier<Object> send(byte kind, GradientSum sum) {
        Object message;
        if (local) {
            message = new StepSync.Local(StepSync.attempt(task.stageAttemptNumber(), task.attemptNumber()), round++, partition, kind, executor, sum);
        } else {
            ByteBuffer b = StepSync.header(StepSync.attempt(task.stageAttemptNumber(), task.attemptNumber()), round++, partition, kind, executor,
                    GradientSumCodec.size(sum));
            GradientSumCodec.write(sum, b);
            message = b.array();
        }
        if (socket != null) {
            try {
                socket.send((byte[]) message);
            } catch (java.io.IOException e) {
                throw lost(e);
            }
            return () -> {
                try {
                    return socket.answer(this::checkKilled);
                } catch (java.io.IOException e) {
                    throw lost(e);
                } catch (ExecutionException e) {
                    throw refused(e);
                }
            };
        }
        CompletableFuture<Object> answer;
        if (inJvm != null) {
            answer = new CompletableFuture<>();
            inJvm.direct((StepSync.Local) message, answer);
        } else {
            answer = scala.jdk.javaapi.FutureConverters.asJava(driver.ask(message, timeout, ANY)).toCompletableFuture();
        }
        return () -> waitFor(answer);
    }

    /** The connection to the driver's socket broke (the driver ended the run, or the network): the task fails. */
    private IllegalStateException lost(java.io.IOException e) {
        return new IllegalStateException("partition " + partition + ": lost the driver's sync socket in round "
                + (round - 1) + ": " + e.getMessage(), e);
    }

    private IllegalStateException refused(ExecutionException e) {
        return new IllegalStateException("partition " + partition + ": the driver refused round " + (round - 1)
                + ": " + e.getCause().getMessage(), e.getCause());
    }

    /** Throws if Spark killed the task (a failed stage, a cancelled job). */
    private void checkKilled() {
        if (task.isInterrupted()) {
            throw new TaskKilledException(task.getKillReason().getOrElse(() -> "killed while waiting"));
        }
    }

    /** Waits for {@code answer} in short timed waits that check whether Spark killed the task. */
    private Object waitFor(CompletableFuture<Object> answer) {
        while (true) {
            try {
                return answer.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                checkKilled();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskKilledException("interrupted while waiting for step " + round + "'s total");
            } catch (ExecutionException e) {
                throw refused(e);
            }
        }
    }
}
