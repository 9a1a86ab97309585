package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.SumTree;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.rpc.RpcAddress;
import org.apache.spark.rpc.RpcCallContext;
import org.junit.jupiter.api.Test;

/**
 * The driver's side of an epoch run's exchange, without Spark: the total is the fixed tree's sum whatever order the
 * partitions' sums arrive in, a stop comes with a step's total only, a superseded stage attempt is refused, and a
 * round some partitions never join ends the run with one line naming them and their executors.
 */
class StepSyncTest {
    /** What a task gets back: the answer, or the failure. */
    static final class Reply implements RpcCallContext {
        Object answer;
        Throwable failure;

        @Override
        public void reply(Object response) {
            answer = response;
        }

        @Override
        public void sendFailure(Throwable e) {
            failure = e;
        }

        @Override
        public RpcAddress senderAddress() {
            return null;
        }
    }

    static StepSync sync(int parts, AtomicBoolean stop, Runnable onTimeout, double timeout) {
        return new StepSync(null, parts, stop::get, timeout, onTimeout);
    }

    static Reply send(StepSync sync, int attempt, int round, int partition, byte kind, String executor, GradientSum sum,
                      boolean remote) {
        Reply reply = new Reply();
        Object message;
        if (remote) {
            ByteBuffer b = StepSync.header(attempt, round, partition, kind, executor, GradientSumCodec.size(sum));
            GradientSumCodec.write(sum, b);
            message = b.array();
        } else {
            message = new StepSync.Local(attempt, round, partition, kind, executor, sum);
        }
        sync.receiveAndReply(reply).apply(message);
        return reply;
    }

    static GradientSum[] sums(int parts, long seed) {
        Random random = new Random(seed);
        GradientSum[] sums = new GradientSum[parts];
        for (int p = 0; p < parts; p++) {
            double[] g = new double[1000];
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (random.nextGaussian() * Math.pow(10, random.nextInt(6) - 3));
            }
            sums[p] = GradientSum.of(g, random.nextDouble(), 10 + p, 10 + p);
        }
        return sums;
    }

    static GradientSum copy(GradientSum s) {
        return GradientSum.of(s.grad() == null ? null : s.grad().clone(), s.lossSum(), s.count(), s.weightSum());
    }

    @Test
    void theTotalIsTheFixedTreesSumInAnyArrivalOrderLocalOrRemote() {
        int parts = 5;
        GradientSum[] sums = sums(parts, 3);
        List<GradientSum> inOrder = new ArrayList<>();
        for (GradientSum s : sums) {
            inOrder.add(copy(s));
        }
        double[] expected = SumTree.sum(inOrder).grad();
        int[][] orders = {{0, 1, 2, 3, 4}, {4, 3, 2, 1, 0}, {2, 0, 4, 1, 3}};
        for (int[] order : orders) {
            for (boolean remote : new boolean[] {false, true}) {
                StepSync sync = sync(parts, new AtomicBoolean(), () -> {}, 0);
                List<Reply> replies = new ArrayList<>();
                for (int k = 0; k < parts; k++) {
                    Reply r = send(sync, 0, 0, order[k], StepSync.STEP, "e" + order[k], copy(sums[order[k]]), remote);
                    replies.add(r);
                    if (k < parts - 1) {
                        assertNull(r.answer, "no answer before every partition has sent its sum");
                    }
                }
                for (Reply r : replies) {
                    GradientSum total = total(r);
                    assertArrayEquals(expected, total.grad(), 0.0, "the same bits, arrival order " + java.util.Arrays
                            .toString(order) + (remote ? ", as bytes" : ", by reference"));
                    assertEquals(10 + 11 + 12 + 13 + 14, total.count());
                }
            }
        }
    }

    static GradientSum total(Reply r) {
        assertNull(r.failure);
        if (r.answer instanceof StepSync.LocalAnswer a) {
            return a.total();
        }
        ByteBuffer b = ByteBuffer.wrap((byte[]) r.answer);
        b.get();
        return GradientSumCodec.read(b);
    }

    static boolean stop(Reply r) {
        return r.answer instanceof StepSync.LocalAnswer a ? a.stop() : ((byte[]) r.answer)[0] == 1;
    }

    @Test
    void aStopComesWithAStepsTotalToEveryTaskAndNotWithABatchNormExchange() {
        AtomicBoolean stop = new AtomicBoolean(true);
        StepSync sync = sync(2, stop, () -> {}, 0);
        GradientSum[] sums = sums(2, 4);
        Reply a = send(sync, 0, 0, 0, StepSync.BATCH_NORM, "1", copy(sums[0]), false);
        Reply b = send(sync, 0, 0, 1, StepSync.BATCH_NORM, "2", copy(sums[1]), true);
        assertTrue(!stop(a) && !stop(b), "a batch-normalization exchange never stops a step halfway");
        a = send(sync, 0, 1, 0, StepSync.STEP, "1", copy(sums[0]), false);
        b = send(sync, 0, 1, 1, StepSync.STEP, "2", copy(sums[1]), true);
        assertTrue(stop(a) && stop(b), "every task is told to stop after the same step");
    }

    @Test
    void aLaterStageAttemptStartsAfreshAndAnEarlierOnesSumsAreRefused() {
        StepSync sync = sync(2, new AtomicBoolean(), () -> {}, 0);
        GradientSum[] sums = sums(2, 5);
        Reply waiting = send(sync, 0, 7, 0, StepSync.STEP, "1", copy(sums[0]), false);
        // Spark retried the stage: attempt 1 starts again at round 0; attempt 0's waiting task is failed.
        int retry = StepSync.attempt(1, 0);
        Reply first = send(sync, retry, 0, 1, StepSync.STEP, "3", copy(sums[1]), false);
        assertNotNull(waiting.failure, "the superseded attempt's waiting task is told");
        Reply late = send(sync, 0, 7, 1, StepSync.STEP, "2", copy(sums[1]), false);
        assertEquals("stage attempt 0 was superseded by stage attempt 1", late.failure.getMessage());
        Reply second = send(sync, retry, 0, 0, StepSync.STEP, "4", copy(sums[0]), false);
        assertEquals(total(first).lossSum(), total(second).lossSum());
        assertEquals(sums[0].count() + sums[1].count(), total(first).count());
    }

    @Test
    void aRetriedTaskOfTheSameStageAttemptStartsAfresh() {
        StepSync sync = sync(2, new AtomicBoolean(), () -> {}, 0);
        GradientSum[] sums = sums(2, 7);
        Reply lost = send(sync, StepSync.attempt(0, 0), 0, 0, StepSync.STEP, "driver", copy(sums[0]), false);
        // The task (both partitions' threads) failed and Spark ran it again: task attempt 1 of stage attempt 0.
        int again = StepSync.attempt(0, 1);
        Reply a = send(sync, again, 0, 0, StepSync.STEP, "driver", copy(sums[0]), false);
        assertNotNull(lost.failure);
        Reply b = send(sync, again, 0, 1, StepSync.STEP, "driver", copy(sums[1]), false);
        assertEquals(sums[0].count() + sums[1].count(), total(a).count());
        assertEquals(total(a).lossSum(), total(b).lossSum());
        assertEquals("stage attempt 0, task attempt 1", StepSync.describe(again));
    }

    @Test
    void aRoundSomePartitionsNeverJoinEndsTheRunWithOneLineNamingThem() throws Exception {
        AtomicBoolean ended = new AtomicBoolean();
        StepSync sync = sync(3, new AtomicBoolean(), () -> ended.set(true), 0.05);
        GradientSum[] sums = sums(3, 6);
        for (int p = 0; p < 3; p++) { // a first round: the executors become known
            send(sync, 0, 0, p, StepSync.STEP, "exec-" + p, copy(sums[p]), false);
        }
        Reply waiting = send(sync, 0, 1, 1, StepSync.STEP, "exec-1", copy(sums[1]), false);
        sync.checkTimeout();
        Thread.sleep(60); // past the 0.05 s bound (the watchdog checks once a second; here by hand)
        sync.checkTimeout();
        assertTrue(ended.get(), "the run's job is cancelled");
        String failure = sync.failure();
        assertEquals("partitions 0 (executor exec-0), 2 (executor exec-2) sent nothing for round 1 of stage attempt 0 "
                + "within 0.05 s while the others waited (spark.scratchnet.syncTimeout): a task that hangs, or an "
                + "executor that stopped answering", failure);
        assertNotNull(waiting.failure, "the waiting task is released");
        assertNotNull(send(sync, 0, 1, 0, StepSync.STEP, "exec-0", copy(sums[0]), false).failure,
                "nothing more is accepted");
    }
}
