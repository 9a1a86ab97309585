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

    /** Looks up the endpoint {@code name} on the driver, for {@code partition}'s task (the one running). */
    SyncClient(String name, int partition, double timeoutSeconds) {
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
    }

    private final StepSync inJvm;
    private final boolean local;

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
        CompletableFuture<Object> answer = send(StepSync.STEP, mine);
        return () -> read(waitFor(answer));
    }

    private GradientSum total(byte kind, GradientSum mine) {
        return read(waitFor(send(kind, mine)));
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

    /** Sends this partition's sum of the next round; the answer comes in the returned future. */
    private CompletableFuture<Object> send(byte kind, GradientSum sum) {
        Object message;
        if (local) {
            message = new StepSync.Local(StepSync.attempt(task.stageAttemptNumber(), task.attemptNumber()), round++, partition, kind, executor, sum);
        } else {
            ByteBuffer b = StepSync.header(StepSync.attempt(task.stageAttemptNumber(), task.attemptNumber()), round++, partition, kind, executor,
                    GradientSumCodec.size(sum));
            GradientSumCodec.write(sum, b);
            message = b.array();
        }
        CompletableFuture<Object> answer;
        if (inJvm != null) {
            answer = new CompletableFuture<>();
            inJvm.direct((StepSync.Local) message, answer);
        } else {
            answer = scala.jdk.javaapi.FutureConverters.asJava(driver.ask(message, timeout, ANY)).toCompletableFuture();
        }
        return answer;
    }

    /** Waits for {@code answer} in short timed waits that check whether Spark killed the task. */
    private Object waitFor(CompletableFuture<Object> answer) {
        while (true) {
            try {
                return answer.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException notYet) {
                if (task.isInterrupted()) {
                    throw new TaskKilledException(task.getKillReason().getOrElse(() -> "killed while waiting"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TaskKilledException("interrupted while waiting for step " + round + "'s total");
            } catch (ExecutionException e) {
                throw new IllegalStateException("partition " + partition + ": the driver refused round " + (round - 1)
                        + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
    }
}
