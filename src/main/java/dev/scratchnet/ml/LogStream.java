package dev.scratchnet.ml;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A PrintStream whose lines go to a log4j logger at INFO: the training run's progress, inside a {@code fit}; and the
 * command line's standard error once its last line is said ({@code cli.Main}).
 */
public final class LogStream extends PrintStream {
    /** The logger a fit of {@code owner} logs to. */
    static Logger logger(Class<?> owner) {
        return LogManager.getLogger(owner);
    }

    LogStream(Class<?> owner) {
        this(LogManager.getLogger(owner));
    }

    public LogStream(Logger logger) {
        super(new LineSink(logger), true, StandardCharsets.UTF_8);
    }

    private static final class LineSink extends ByteArrayOutputStream {
        private final Logger logger;

        LineSink(Logger logger) {
            this.logger = logger;
        }

        @Override
        public synchronized void flush() {
            String text = toString(StandardCharsets.UTF_8);
            int end = text.lastIndexOf('\n');
            if (end < 0) {
                return;
            }
            text.substring(0, end).lines().forEach(logger::info);
            String rest = text.substring(end + 1);
            reset();
            writeBytes(rest.getBytes(StandardCharsets.UTF_8));
        }
    }
}
