package dev.scratchnet.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * Every Spark job of a context, with its submission and end times (the scheduler's wall clock, milliseconds), so a
 * benchmark can say how many jobs a call ran and how much of its time they took.
 */
final class JobClock extends SparkListener {
    private final Map<Integer, long[]> jobs = new ConcurrentHashMap<>();

    /** Jobs started in a window, and the wall time during which at least one of them ran. */
    record Window(int jobs, double jobSeconds) {}

    static JobClock on(SparkContext sc) {
        JobClock clock = new JobClock();
        sc.addSparkListener(clock);
        return clock;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        jobs.put(start.jobId(), new long[] {start.time(), -1});
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd end) {
        long[] job = jobs.get(end.jobId());
        if (job != null) {
            job[1] = end.time();
        }
    }

    /** Waits until the listener bus has delivered every event posted so far (the bus is asynchronous). */
    static void drain(SparkContext sc) {
        try {
            sc.listenerBus().waitUntilEmpty();
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Spark's listener bus did not drain in 10 s", e);
        }
    }

    /** The jobs submitted at or after {@code fromMillis} and at or before {@code toMillis} (call {@link #drain} first). */
    Window window(long fromMillis, long toMillis) {
        List<long[]> in = new ArrayList<>();
        for (long[] j : jobs.values()) {
            if (j[0] >= fromMillis && j[0] <= toMillis) {
                in.add(new long[] {j[0], j[1] < 0 ? toMillis : j[1]});
            }
        }
        in.sort(Comparator.comparingLong(j -> j[0]));
        long busy = 0;
        long coveredTo = Long.MIN_VALUE;
        for (long[] j : in) {   // the union of the jobs' intervals: jobs may overlap
            long from = Math.max(j[0], coveredTo);
            if (j[1] > from) {
                busy += j[1] - from;
            }
            coveredTo = Math.max(coveredTo, j[1]);
        }
        return new Window(in.size(), busy / 1e3);
    }
}
