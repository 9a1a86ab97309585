package dev.scratchnet.spark;

import org.apache.spark.api.java.JavaSparkContext;

/**
 * Turns "the cluster is gone" into a failure instead of a hang. When every executor of a cluster run is
 * lost (workers stopped, master and workers killed), Spark keeps the job's tasks pending and waits for
 * new executors forever. This daemon thread checks once a second how many executors are registered; after
 * {@code timeoutSeconds} with none, it cancels every running job (and any started later), so the job
 * fails and the driver can say why. The clock runs from the start, so the timeout also bounds the wait for
 * the first executors (which can take ten seconds and more on a busy machine: keep it well above that).
 * In local mode the driver is the executor: the watchdog does nothing.
 */
public final class ExecutorWatchdog implements AutoCloseable {
    private final Thread thread;
    private volatile boolean fired;
    private volatile boolean closed;

    /** Starts watching {@code sc}; {@code timeoutSeconds} of 0 disables the watchdog. */
    public ExecutorWatchdog(JavaSparkContext sc, double timeoutSeconds) {
        if (sc.isLocal() || timeoutSeconds <= 0) {
            thread = null;
            return;
        }
        long timeoutNanos = (long) (timeoutSeconds * 1e9);
        thread = new Thread(() -> {
            long noneSince = -1;
            while (!closed) {
                // The status tracker lists the driver too.
                boolean none = sc.statusTracker().getExecutorInfos().length <= 1;
                long now = System.nanoTime();
                if (!none) {
                    noneSince = -1;
                } else if (noneSince < 0) {
                    noneSince = now;
                } else if (now - noneSince >= timeoutNanos) {
                    fired = true;
                    sc.cancelAllJobs();
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "scratchnet-executor-watchdog");
        thread.setDaemon(true);
        thread.start();
    }

    /** Whether the watchdog gave up on the cluster (and cancelled jobs). */
    public boolean fired() {
        return fired;
    }

    @Override
    public void close() {
        closed = true;
        if (thread != null) {
            thread.interrupt();
        }
    }
}
