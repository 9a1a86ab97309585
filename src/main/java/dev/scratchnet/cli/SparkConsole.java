package dev.scratchnet.cli;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Keeps the run's own last line last. Spark logs from its own threads while it shuts down (an application
 * that never registered with its master warns that it drops its unregistration, for instance), and those
 * lines can land after whatever the driver prints next. So when a run is over, Spark's logging is switched
 * off before the context stops: the run's final line, done or error, is then the last thing on the console.
 */
final class SparkConsole {
    private SparkConsole() {}

    /**
     * The SparkSession over {@code sc}, the active context. Spark warns that "some configuration may not take
     * effect" when a session attaches to an existing context, which here is always the case and always fine.
     */
    static SparkSession session(JavaSparkContext sc) {
        String logger = SparkContext.class.getName();
        Level level = LogManager.getLogger(logger).getLevel();
        Configurator.setLevel(logger, Level.ERROR);
        try {
            SparkSession session = SparkSession.builder().getOrCreate();
            if (session.sparkContext() != sc.sc()) {
                throw new IllegalStateException("the SparkSession is not over the run's SparkContext");
            }
            return session;
        } finally {
            Configurator.setLevel(logger, level);
        }
    }

    /** Silences Spark's logging, then stops {@code sc} (if still running) and waits for it. */
    static void stopQuietly(JavaSparkContext sc) {
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
        sc.close();
    }
}
