package dev.scratchnet.cli;

import java.io.PrintStream;
import java.util.List;
import sun.misc.Signal;

/**
 * Ctrl-C (SIGINT) and SIGTERM as requests to stop, at whatever stage the run is: during training the run finishes
 * the step under way, checkpoints, and ends with one line saying how to continue; while it reads the data, the
 * Spark jobs reading it are cancelled and the run ends at once with one line (nothing was written yet); before and
 * between those, it stops at the next stage. Exit 130 or 143, as a shell expects. A second signal stops at once.
 * Without this, the JVM's default handling runs the shutdown hooks, Spark stops under the running job, and the
 * user gets a screen of stack traces.
 */
final class Interrupts {
    private static volatile String received;
    private static volatile Runnable stopStage;

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
                    receive(signal.getName());
                });
            } catch (IllegalArgumentException unavailable) {
                // No such signal on this platform: the JVM's default handling stays.
            }
        }
    }

    /** Records a request to stop ({@code INT} or {@code TERM}) and stops the stage under way, if it can be stopped. */
    static void receive(String signal) {
        received = signal;
        Runnable stop = stopStage;
        if (stop != null) {
            stop.run();
        }
    }

    /** A stage that a request to stop cuts short; closing it ends that. */
    interface Stage extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Until the returned stage is closed, a request to stop also runs {@code stop} (which makes the stage's work
     * fail soon, e.g. by cancelling its Spark jobs); a request that came already runs it at once.
     */
    static Stage during(Runnable stop) {
        stopStage = stop;
        if (received != null) {
            stop.run();
        }
        return () -> stopStage = null;
    }

    /** Whether a stop was requested. */
    static boolean requested() {
        return received != null;
    }

    /** Ends the run with one line and 130 / 143 when a stop was requested: {@code SIGTERM: stopped <stage>; …}. */
    static void stopIfRequested(String stage) {
        if (received != null) {
            throw stopped(stage, null);
        }
    }

    /** The end of a run stopped at {@code stage}, before it wrote anything. */
    static StopWithCode stopped(String stage, Throwable cause) {
        return new StopWithCode(signalName() + ": stopped " + stage + "; nothing was written", exitCode(), cause);
    }

    /** Forgets a request (tests, which run many commands in one JVM). */
    static void reset() {
        received = null;
        stopStage = null;
    }

    /** 128 + the signal's number, as shells report a process a signal ended: 130 for SIGINT, 143 for SIGTERM. */
    static int exitCode() {
        return exitCode(received);
    }

    static int exitCode(String signal) {
        return "TERM".equals(signal) ? 143 : 130;
    }

    /** {@code SIGINT} or {@code SIGTERM}. */
    static String signalName() {
        return "SIG" + received;
    }
}
