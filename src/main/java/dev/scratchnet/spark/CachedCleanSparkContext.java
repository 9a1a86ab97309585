package dev.scratchnet.spark;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag$;

/**
 * A SparkContext that runs Spark's closure check once per closure class instead of once per job.
 *
 * <p>Every job cleans its closures: for a Scala indylambda (what the Java API wraps every function in, and
 * what {@code treeAggregate}, {@code reduce} and {@code runJob} create internally) Spark 4.2's
 * {@code ClosureCleaner} re-reads the class file of the lambda's capturing class ({@code RDD},
 * {@code JavaPairRDD$}, …) with ASM, every time, to reject {@code return} statements; it changes nothing
 * unless the lambda comes from a Scala REPL or Ammonite. Then it test-serializes the closure. On local[2]
 * the class-file reading was most of a 20 ms trivial job. The result of the class-file check depends
 * on the class alone, so this context remembers the lambda classes that passed it — only those of
 * {@code org.apache.spark}, {@code scala} and {@code dev.scratchnet}, never REPL classes — and for them
 * keeps only the per-instance serializability check.
 */
public final class CachedCleanSparkContext extends SparkContext {
    private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

    public CachedCleanSparkContext(SparkConf conf) {
        super(conf);
    }

    /** A Java context over a new {@code CachedCleanSparkContext}. */
    public static JavaSparkContext start(SparkConf conf) {
        return new JavaSparkContext(new CachedCleanSparkContext(conf));
    }

    @Override
    public <F> F clean(F f, boolean checkSerializable) {
        Class<?> type = f.getClass();
        if (!checked.contains(type)) {
            F cleaned = super.clean(f, checkSerializable);
            if (cleaned == f && cacheable(type)) {
                checked.add(type);
            }
            return cleaned;
        }
        if (checkSerializable && SparkEnv.get() != null) {
            try {
                SparkEnv.get().closureSerializer().newInstance().serialize(f, ClassTag$.MODULE$.AnyRef());
            } catch (Exception e) {
                throw new IllegalStateException("Task not serializable: " + e, e);
            }
        }
        return f;
    }

    private static boolean cacheable(Class<?> type) {
        String name = type.getName();
        return name.contains("$$Lambda")
                && (name.startsWith("org.apache.spark.") || name.startsWith("scala.") || name.startsWith("dev.scratchnet."));
    }
}
