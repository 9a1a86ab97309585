package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.report.Json;
import dev.scratchnet.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The driver killed with SIGKILL after a checkpoint, then resumed: the same parameters as a run never killed. */
class ResumeIT {
    @TempDir
    Path tmp;

    static List<String> local(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]"));
        // 2 epochs of 60 steps, a checkpoint every 5: the kill after step 15 leaves 105 steps to come, however fast.
        args.addAll(Runs.shortRun(out, "--conf", "spark.scratchnet.checkpoint.every=5",
                "--conf", "spark.scratchnet.steps=0", "--conf", "spark.scratchnet.epochs=2"));
        args.addAll(List.of(extra));
        return args;
    }

    @Test
    void driverKilledAndResumedEndsWhereAnUninterruptedRunEnds() throws Exception {
        TestData.mnist();
        Path logs = Runs.root().resolve("target/it-logs/resume");
        Path reference = tmp.resolve("uninterrupted");
        Runs.Proc r = Runs.submit(logs, "uninterrupted", local(reference));
        assertEquals(0, r.waitFor(300), r.err());

        Path out = tmp.resolve("killed");
        Path checkpoint = out.resolve("checkpoint/checkpoint.json");
        Runs.Proc victim = Runs.submit(logs, "killed", local(out));
        // submit.sh execs java: this process is the driver JVM.
        victim.await("checkpoint at step 15", 240, () -> Files.exists(checkpoint)
                && Json.readTree(checkpoint).path("global_step").asLong() >= 15);
        victim.process().destroyForcibly();
        victim.process().waitFor();
        long step = Json.readTree(checkpoint).path("global_step").asLong();
        System.out.printf("killed the driver at %.1f s, checkpoint at step %d%n", victim.seconds(), step);
        assertTrue(step >= 15 && step < 120, "checkpoint step " + step);
        assertFalse(Files.exists(out.resolve("model.npz")), "the kill must land mid-run");

        Runs.Proc resumed = Runs.submit(logs, "resumed", local(out, "--conf", "spark.scratchnet.resume=true"));
        assertEquals(0, resumed.waitFor(300), resumed.err());
        assertTrue(resumed.out().contains("resuming from"), resumed.out());
        Runs.assertSameParams(reference, out);
        JsonNode summary = Json.readTree(out.resolve("summary.json"));
        assertEquals(120, summary.path("steps").asLong());
    }
}
