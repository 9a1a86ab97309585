package dev.scratchnet.spark;

import dev.scratchnet.training.GradientSum;
import dev.scratchnet.training.StepExchange;
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
    private static final ClassTag<byte[]> BYTES = scala.reflect.ClassTag$.MODULE$.apply(byte[].class);

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
        this.driver = RpcUtils.makeDriverRef(name, env.conf(), env.rpcEnv());
        // The driver's watchdog ends a round that hangs; this bound only keeps a lost answer from waiting forever.
        long seconds = timeoutSeconds > 0 ? (long) Math.ceil(timeoutSeconds) + 60 : 365L * 24 * 3600;
        this.timeout = new RpcTimeout(FiniteDuration.apply(seconds, TimeUnit.SECONDS),
                dev.scratchnet.settings.EngineSettings.SYNC_TIMEOUT.key());
        this.task = TaskContext.get();
        this.partition = partition;
        this.executor = env.executorId();
    }

    @Override
    public GradientSum stepTotal(GradientSum mine) {
        ByteBuffer answer = ask(StepSync.STEP, mine);
        stop = answer.get() == 1;
        return GradientSumCodec.read(answer);
    }

    @Override
    public double[] batchNormTotal(double[] partial) {
        ByteBuffer answer = ask(StepSync.BATCH_NORM, GradientSum.of(partial, 0, 0));
        answer.get();
        return GradientSumCodec.read(answer).grad();
    }

    @Override
    public boolean stopAfterStep() {
        return stop;
    }

    private ByteBuffer ask(byte kind, GradientSum sum) {
        ByteBuffer message = StepSync.header(task.stageAttemptNumber(), round++, partition, kind, executor,
                GradientSumCodec.size(sum));
        GradientSumCodec.write(sum, message);
        CompletableFuture<byte[]> answer = scala.jdk.javaapi.FutureConverters.asJava(
                driver.ask(message.array(), timeout, BYTES)).toCompletableFuture();
        while (true) {
            try {
                return ByteBuffer.wrap(answer.get(100, TimeUnit.MILLISECONDS));
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
