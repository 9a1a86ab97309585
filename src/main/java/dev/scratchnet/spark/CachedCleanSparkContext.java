package dev.scratchnet.spark;

import java.io.PrintStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkEnv;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import scala.reflect.ClassTag$;

/**
 * A SparkContext that runs Spark's closure check once per closure class instead of once per job.
 *
 * <p>Every job cleans its closures: for a Scala indylambda (what the Java API wraps every function in, and
 * what {@code treeAggregate}, {@code reduce} and {@code runJob} create internally) Spark 4.2's
 * {@code ClosureCleaner} re-reads the class file of the lambda's capturing class ({@code RDD},
 * {@code JavaPairRDD$}, …) with ASM, every time, to reject {@code return} statements; it changes nothing
 * unless the lambda comes from a Scala REPL or Ammonite. Then it test-serializes the closure. The result of
 * the class-file check depends on the class alone, so this context remembers the lambda classes that passed
 * it — only those of {@code org.apache.spark}, {@code scala} and {@code dev.scratchnet}, never REPL classes —
 * and for them keeps only the per-instance serializability check, failing as Spark does
 * ({@code SparkException: Task not serializable}).
 *
 * <p>{@code clean} is {@code private[spark]} in Scala, public in bytecode: a Spark version that renames or
 * seals it would silently bypass this class, so {@link #start} checks that the override applies and falls
 * back to Spark's own context otherwise.
 */
public final class CachedCleanSparkContext extends SparkContext {
    private final Set<Class<?>> checked = ConcurrentHashMap.newKeySet();

    private CachedCleanSparkContext(SparkConf conf) {
        super(conf);
    }

    /**
     * A Java context over a new {@code CachedCleanSparkContext}, or over Spark's own context (saying so in one
     * line on {@code log}) when this Spark's {@code SparkContext} has no overridable {@code clean(Object, boolean)}.
     */
    public static JavaSparkContext start(SparkConf conf, PrintStream log) {
        String why = whyNotApplicable();
        if (why != null) {
            log.println("closure check cache off: " + why + "; using Spark's own SparkContext");
            return new JavaSparkContext(conf);
        }
        return new JavaSparkContext(new CachedCleanSparkContext(conf));
    }

    /** Null when the override applies to this Spark version, else the reason it does not. */
    static String whyNotApplicable() {
        try {
            java.lang.reflect.Method clean = SparkContext.class.getDeclaredMethod("clean", Object.class, boolean.class);
            if (java.lang.reflect.Modifier.isFinal(clean.getModifiers())) {
                return "SparkContext.clean is final in Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION();
            }
            return null;
        } catch (NoSuchMethodException e) {
            return "Spark " + org.apache.spark.package$.MODULE$.SPARK_VERSION() + " has no SparkContext.clean(Object, boolean)";
        }
    }

    /** How many closure classes passed the class-file check and skip it from now on. */
    int cachedClasses() {
        return checked.size();
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
                throw sneaky(new SparkException("Task not serializable", e));
            }
        }
        return f;
    }

    /** Spark throws its checked {@code SparkException} undeclared, as Scala code does; so do we. */
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> RuntimeException sneaky(Throwable e) throws E {
        throw (E) e;
    }

    private static boolean cacheable(Class<?> type) {
        String name = type.getName();
        return name.contains("$$Lambda")
                && (name.startsWith("org.apache.spark.") || name.startsWith("scala.") || name.startsWith("dev.scratchnet."));
    }
}
