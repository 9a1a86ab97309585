package dev.scratchnet;

import java.util.function.Supplier;

/** What to do with a resource when the work that follows its opening fails. */
public final class Resources {
    private Resources() {}

    /**
     * Returns what {@code work} computes; if it throws anything — Spark's {@code SparkException} too, which Scala
     * throws undeclared — first runs {@code close} (its own failure is added to the first as suppressed), then
     * rethrows. For a resource that the caller keeps when the work succeeds, so try-with-resources does not fit.
     */
    public static <T> T closeOnFailure(Runnable close, Supplier<T> work) {
        try {
            return work.get();
        } catch (Throwable e) {
            try {
                close.run();
            } catch (Throwable c) {
                if (c != e) {
                    e.addSuppressed(c);
                }
            }
            throw Resources.<RuntimeException>rethrow(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E rethrow(Throwable e) throws E {
        throw (E) e;
    }
}
