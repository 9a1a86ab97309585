package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver's class archive that {@code submit.sh} keeps (JDK 17's application class-data sharing): a run that fails
 * leaves none in use; the first run that succeeds writes it as its JVM exits; the next run checks it and maps Spark's
 * classes from it; and a run from the archive gives the same bits as one without.
 */
class ClassArchiveIT {
    @TempDir
    Path tmp;
    static Path logs;

    @BeforeAll
    static void data() {
        TestData.mnist();
        logs = Runs.root().resolve("target/it-logs/class-archive");
    }

    @Test
    void aSucceededRunWritesItTheNextUsesItAndNoBitChanges() throws Exception {
        Path cache = tmp.resolve("cache");
        Path archives = cache.resolve("scratchnet/class-archive");

        Runs.Proc bad = run("bad", tmp.resolve("bad"), cache, "--conf", "spark.scratchnet.learningRate=-1");
        assertEquals(2, bad.waitFor(300), bad.err());
        assertEquals(List.of(), names(archives, ".jsa"), "a failed run's classes are no archive to use");

        Runs.Proc first = run("first", tmp.resolve("first"), cache);
        assertEquals(0, first.waitFor(300), first.err());
        assertTrue(first.err().contains("scratchnet: saving the driver's classes for faster starts, once"), first.err());
        assertFalse(classes("first").contains("source: shared objects file (top)"), "the first run had no archive");

        Runs.Proc second = run("second", tmp.resolve("second"), cache);
        assertEquals(0, second.waitFor(300), second.err());
        assertFalse(second.err().contains("saving the driver's classes"), second.err());
        assertTrue(classes("second").contains("org.apache.spark.SparkContext source: shared objects file (top)"),
                "Spark's classes come from the archive");
        assertTrue(second.out().contains("JIT: C2 for arithmetic only, from the JVM's start"),
                "submit.sh gave the driver's JVM the compiler directives at its start: " + second.out());
        List<String> left = names(archives, "");
        assertEquals(1, left.size(), "one archive, no temporary files: " + left);
        assertTrue(left.get(0).matches("driver-\\d+\\.jsa"), left.toString());

        assertArrayEquals(Files.readAllBytes(tmp.resolve("first/model.npz")), Files.readAllBytes(tmp.resolve("second/model.npz")),
                "the same model with and without the archive");

        // A JVM killed while it wrote the archive, after its run had succeeded: a truncated archive with its marker. The
        // JVM would die of SIGBUS mapping it; the next run finds it broken, discards it and writes a new one.
        Path archive = archives.resolve(left.get(0));
        byte[] whole = Files.readAllBytes(archive);
        Path broken = archives.resolve(left.get(0) + "." + Integer.MAX_VALUE + ".tmp"); // no process has that pid
        Files.write(broken, java.util.Arrays.copyOf(whole, whole.length / 2));
        Files.write(archives.resolve(broken.getFileName() + ".ok"), new byte[0]);
        Files.delete(archive);
        Runs.Proc third = run("third", tmp.resolve("third"), cache);
        assertEquals(0, third.waitFor(300), third.err());
        assertTrue(third.err().contains("scratchnet: saving the driver's classes"), "a new archive: " + third.err());
        assertFalse(names(archives, "").contains(broken.getFileName().toString()), "the broken archive is gone");
        assertFalse(Files.exists(archive), "nothing promoted");
    }

    /** A short run with its own cache folder, its class loading logged to {@code <name>.classes}. */
    private Runs.Proc run(String name, Path out, Path cache, String... extra) throws Exception {
        List<String> command = new ArrayList<>(List.of(Runs.root().resolve("submit.sh").toString(), "--master", "local[2]"));
        command.addAll(Runs.shortRun(out, extra));
        String opts = "-Dscratchnet.log=" + logs.resolve(name + ".log") + " -Xlog:class+load=info:file="
                + logs.resolve(name + ".classes");
        return Runs.start(logs, name, command, Map.of("XDG_CACHE_HOME", cache.toString(), "SPARK_SUBMIT_OPTS", opts));
    }

    private static String classes(String name) throws Exception {
        return Files.readString(logs.resolve(name + ".classes"));
    }

    private static List<String> names(Path folder, String suffix) throws Exception {
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        }
    }
}
