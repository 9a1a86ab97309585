package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.report.Json;
import dev.scratchnet.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a run started with {@code ./submit.sh} ends when it is told to or cannot start: Ctrl-C and SIGTERM stop it
 * at a step with one line, a checkpoint and exit 130 / 143, and the resume ends bit for bit where an uninterrupted
 * run ends; a network too big for the driver's memory and a master Spark does not know are one line, exit 2.
 */
class InterruptIT {
    @TempDir
    static Path tmp;
    static Path logs;
    static Path reference;

    /** The step whose checkpoint tells the test to send its signal: epoch 2, step 10. */
    static final long SIGNAL_AFTER = 70;

    /**
     * 6 epochs of 60 steps with a checkpoint every {@value #SIGNAL_AFTER} steps: the signal goes when the first
     * checkpoint is on disk (a file written at a known step, however fast or slow the steps are), and 290 steps are
     * still to come, so it lands mid-run.
     */
    static List<String> run(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]"));
        args.addAll(Runs.shortRun(out, "--conf", "spark.scratchnet.steps=0", "--conf", "spark.scratchnet.epochs=6",
                "--conf", "spark.scratchnet.checkpoint.every=" + SIGNAL_AFTER));
        args.addAll(List.of(extra));
        return args;
    }

    /** The global step of the checkpoint in {@code out}, or -1 when there is none yet. */
    static long checkpointStep(Path out) {
        Path json = out.resolve("checkpoint/checkpoint.json");
        try {
            return Files.exists(json) ? Json.readTree(json).path("global_step").asLong(-1) : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    @BeforeAll
    static void uninterrupted() throws Exception {
        TestData.mnist();
        logs = Runs.root().resolve("target/it-logs/interrupt");
        reference = tmp.resolve("uninterrupted");
        Runs.Proc r = Runs.submit(logs, "uninterrupted", run(reference));
        assertEquals(0, r.waitFor(600), r.err());
    }

    void stopsOnSignalAndResumesBitForBit(String signal, int code) throws Exception {
        Path out = tmp.resolve("signal-" + signal);
        Runs.Proc p = Runs.submitInterruptible(logs, "signal-" + signal, run(out));
        p.await("the checkpoint of step " + SIGNAL_AFTER, 300, () -> checkpointStep(out) >= SIGNAL_AFTER);
        p.signal(signal);
        assertEquals(code, p.waitFor(300), p.err());
        String last = Runs.tail(p.err(), 1);
        System.out.printf("SIG%s after %.1f s: %s%n", signal, p.seconds(), last);
        assertTrue(last.matches("scratchnet: SIG" + signal + ": interrupted at epoch \\d step \\d+ \\(global step \\d+\\); "
                + "the checkpoint in .*/checkpoint continues with spark.scratchnet.resume=true"), last);
        assertFalse(p.err().contains("\tat "), "no stack trace on the console:\n" + p.err());
        assertFalse(Files.exists(out.resolve("model.npz")), "an interrupted run writes no model");
        long step = Json.readTree(out.resolve("checkpoint/checkpoint.json")).path("global_step").asLong();
        assertTrue(last.contains("(global step " + step + ")"), "the checkpoint is where the run stopped: " + step);
        assertTrue(step >= SIGNAL_AFTER && step < 360, "stopped mid-run, after the signal: " + step);

        Runs.Proc resumed = Runs.submit(logs, "resumed-" + signal, run(out, "--conf", "spark.scratchnet.resume=true"));
        assertEquals(0, resumed.waitFor(600), resumed.err());
        assertEquals(0.0, dev.scratchnet.testing.TestData.maxRelativeDifference(Runs.params(out), Runs.params(reference)),
                "interrupted and resumed ends bit for bit where the uninterrupted run ends");
    }

    @Test
    void ctrlCStopsAtAStepWithOneLineAndExit130() throws Exception {
        stopsOnSignalAndResumesBitForBit("INT", 130);
    }

    @Test
    void sigtermStopsAtAStepWithOneLineAndExit143() throws Exception {
        stopsOnSignalAndResumesBitForBit("TERM", 143);
    }

    @Test
    void aNetworkTooBigForTheDriverIsOneLine() throws Exception {
        Path out = tmp.resolve("too-big");
        Runs.Proc p = Runs.submit(logs, "too-big", run(out, "--driver-memory", "480m",
                "--conf", "spark.scratchnet.hidden=20000"));
        assertEquals(2, p.waitFor(300), p.err());
        String last = Runs.tail(p.err(), 1);
        assertTrue(last.startsWith("scratchnet: network 784-20000-10 relu (15.9 M parameters) needs about "), last);
        assertTrue(last.contains("MB of driver memory"), last);
        assertFalse(p.err().contains("\tat "), p.err());
    }

    @Test
    void aMasterSparkDoesNotKnowIsOneLine() throws Exception {
        Runs.Proc p = Runs.submit(logs, "bogus-master", List.of("--master", "bogus://x", "train"));
        assertEquals(2, p.waitFor(120), p.err());
        assertEquals(List.of("submit.sh: --master bogus://x: not a master Spark knows (local, local[N], local[*], "
                + "spark://HOST:PORT, yarn, k8s://URL)"), p.err().lines().filter(l -> !l.isBlank()).toList());
    }
}
