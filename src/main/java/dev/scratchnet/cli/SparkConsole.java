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
        silence();
        sc.close();
    }

    /** Switches every logger off (the trace logger, which writes only to the log file, is switched back on). */
    static void silence() {
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.OFF);
        Configurator.setLevel(TRACE_LOGGER, Level.ALL);
    }

    /** Where scratchnet records the stack trace of a failure it reports in one line (the log file only). */
    static final String TRACE_LOGGER = "dev.scratchnet.trace";

    /** Records {@code e}'s stack trace in the log file; returns that file's name, or null when there is none. */
    static String recordTrace(String what, Throwable e) {
        Configurator.setLevel(TRACE_LOGGER, Level.ALL);
        LogManager.getLogger(TRACE_LOGGER).error(what, e);
        org.apache.logging.log4j.core.LoggerContext context =
                (org.apache.logging.log4j.core.LoggerContext) LogManager.getContext(false);
        for (org.apache.logging.log4j.core.Appender a : context.getConfiguration().getAppenders().values()) {
            if (a instanceof org.apache.logging.log4j.core.appender.FileAppender f) {
                return f.getFileName();
            }
        }
        return null;
    }
}
