package dev.scratchnet.training;

/** Training seconds: what earlier segments of the run took plus the time since this one started. */
final class Clock {
    private final double secondsBefore;
    private final long start = System.nanoTime();
    private long stepNanos;

    Clock(double secondsBefore) {
        this.secondsBefore = secondsBefore;
    }

    double seconds() {
        return secondsBefore + (System.nanoTime() - start) / 1e9;
    }

    void addStep(long nanos) {
        stepNanos += nanos;
    }

    /** Seconds spent in steps since the last call. */
    double takeStepSeconds() {
        double s = stepNanos / 1e9;
        stepNanos = 0;
        return s;
    }
}
