package dev.scratchnet.cli;

import java.io.PrintStream;
import java.util.List;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as requests to stop: the run finishes the step under way, checkpoints, and ends
 * with one line saying how to continue (exit 130 or 143, as a shell expects). A second signal stops at once.
 * Without this, the JVM's default handling runs the shutdown hooks, Spark stops under the running job, and the
 * user gets a screen of stack traces.
 */
final class Interrupts {
    private static volatile String received;

    private Interrupts() {}

    /** Takes over SIGINT and SIGTERM for this JVM (the command line's, never a test's or an embedder's). */
    static void install(PrintStream err) {
        for (String name : List.of("INT", "TERM")) {
            try {
                Signal.handle(new Signal(name), signal -> {
                    if (received != null) {
                        err.println("scratchnet: SIG" + signal.getName() + " again: stopping now, without a checkpoint");
                        SparkConsole.silence();
                        Runtime.getRuntime().halt(exitCode(signal.getName()));
                    }
                    received = signal.getName();
                });
            } catch (IllegalArgumentException unavailable) {
                // No such signal on this platform: the JVM's default handling stays.
            }
        }
    }

    /** Whether a stop was requested. */
    static boolean requested() {
        return received != null;
    }

    /** 128 + the signal's number, as shells report a process a signal ended: 130 for SIGINT, 143 for SIGTERM. */
    static int exitCode() {
        return exitCode(received);
    }

    private static int exitCode(String signal) {
        return "TERM".equals(signal) ? 143 : 130;
    }

    /** {@code SIGINT} or {@code SIGTERM}. */
    static String signalName() {
        return "SIG" + received;
    }
}
