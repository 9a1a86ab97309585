package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.SparkTestContext;
import java.io.NotSerializableException;
import java.util.List;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The closure-check cache skips only the class-file check it has already done: a closure that cannot be
 * serialized still fails as Spark fails it, also when its class passed the check before.
 */
class CachedCleanSparkContextTest {
    /** Not serializable: capturing one makes a closure unshippable. */
    static final class Unshippable {
        final int value = 1;
    }

    /** Every call returns an instance of the same lambda class, capturing {@code captured}. */
    static Function<Integer, Integer> plus(Object captured) {
        return x -> x + (captured == null ? 0 : 0);
    }

    @Test
    void theOverrideAppliesToThisSparkVersion() {
        assertNull(CachedCleanSparkContext.whyNotApplicable());
    }

    @Test
    void aNonSerializableClosureStillFailsWithSparksMessage() {
        try (JavaSparkContext sc = SparkTestContext.start()) {
            assertInstanceOf(CachedCleanSparkContext.class, sc.sc());
            JavaRDD<Integer> numbers = sc.parallelize(List.of(1, 2, 3), 2);
            // The first job checks the wrapper's class and caches it; the second takes the cached path.
            assertEquals(List.of(1, 2, 3), numbers.map(plus("serializable")).collect());
            int cached = ((CachedCleanSparkContext) sc.sc()).cachedClasses();
            assertTrue(cached > 0, "the first job's closure classes are cached");
            assertEquals(List.of(1, 2, 3), numbers.map(plus("again")).collect());
            assertEquals(cached, ((CachedCleanSparkContext) sc.sc()).cachedClasses(), "the second job took the cached path");
            Exception e = assertThrows(Exception.class, () -> numbers.map(plus(new Unshippable())).collect());
            assertInstanceOf(SparkException.class, e);
            assertEquals("Task not serializable", e.getMessage());
            assertTrue(causes(e, NotSerializableException.class), "the cause names what is not serializable");
            // And the context still works afterwards.
            assertEquals(List.of(1, 2, 3), numbers.map(plus("after")).collect());
        }
    }

    private static boolean causes(Throwable e, Class<?> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
