package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 through {@code ./submit.sh}, where the console is the real one: with conf/log4j2.properties, an error
 * found inside a Spark task (by scratchnet's parsers or by Spark's readers) shows as exactly one line, the run's
 * last, with no stack trace and none of Spark's "Lost task" warnings, which go to the log file; a successful
 * LibSVM run prints no warning of Spark's about numFeatures.
 */
class BadDataIT {
    @TempDir
    static Path tmp;
    static Path logs;
    static Path good;

    static String libsvmLine(int i) {
        StringBuilder line = new StringBuilder().append(i % 3);
        for (int f = 1; f <= 20; f++) {
            if ((i + f) % 3 != 0 || f == 20) {
                line.append(' ').append(f).append(':').append(((i * 7 + f * 3) % 10) / 10.0);
            }
        }
        return line.toString();
    }

    static Path libsvm(String name, int n, String replacement) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add(i + 1 == n ? replacement : libsvmLine(i));
        }
        return Files.writeString(tmp.resolve(name), String.join("\n", lines) + "\n");
    }

    @BeforeAll
    static void files() throws IOException {
        logs = Runs.root().resolve("target/it-logs/bad-data");
        good = libsvm("good.libsvm", 0, null);
    }

    /** A small run in local[2]: 20-8-K, one epoch of batches of 50, no UI. */
    static List<String> run(Path out, String... settings) {
        List<String> args = new ArrayList<>(List.of("--master", "local[2]", "--conf", "spark.ui.enabled=false",
                "--conf", "spark.scratchnet.out=" + out, "--conf", "spark.scratchnet.hidden=8",
                "--conf", "spark.scratchnet.epochs=1", "--conf", "spark.scratchnet.steps=0",
                "--conf", "spark.scratchnet.batchSize=50", "--conf", "spark.scratchnet.validationFraction=0",
                "--conf", "spark.scratchnet.targetAccuracy=0", "--conf", "spark.scratchnet.progressSeconds=0",
                "--conf", "spark.scratchnet.partitions=2"));
        for (String s : settings) {
            args.add("--conf");
            args.add("spark.scratchnet." + s);
        }
        return args;
    }

    /** Runs {@code ./submit.sh}; asserts the exit code, a console without traces, the last line, and no outputs. */
    static Runs.Proc refused(String name, String expectedLast, String... settings) throws Exception {
        Path out = tmp.resolve("out-" + name);
        Runs.Proc p = Runs.submit(logs, name, run(out, settings));
        assertEquals(2, p.waitFor(300), p.out() + p.err());
        String console = p.out() + p.err();
        for (String line : console.lines().toList()) {
            assertFalse(line.matches("\\s+at .*") || line.contains("Caused by:") || line.contains("Lost task")
                    || line.contains("Exception in task"), name + ": a stack-trace line on the console: " + line
                    + "\n" + console);
        }
        String last = Runs.tail(p.err(), 1);
        if (expectedLast.startsWith("like:")) {
            assertTrue(last.matches(expectedLast.substring(5)), name + ": [" + last + "]");
        } else {
            assertEquals(expectedLast, last, name);
        }
        assertEquals(1, p.err().lines().filter(l -> l.startsWith("scratchnet: ")).count(), p.err());
        assertFalse(Files.exists(out.resolve("summary.json")), name + ": no summary.json");
        assertFalse(Files.exists(out.resolve("model.npz")), name + ": no model.npz");
        return p;
    }

    @Test
    void anErrorInsideASparkTaskIsOneLineAndSparksTaskFailureGoesToTheLogFile() throws Exception {
        Path abc = libsvm("abc.libsvm", 5, "1 2:0.5 5:abc 20:1");
        Runs.Proc p = refused("libsvm-abc", "scratchnet: file:" + abc + ": line 5, index 5: 'abc' is not a number",
                "data.format=libsvm", "data.train=" + abc);
        assertTrue(p.log().contains("Lost task"), "Spark's task failure is in the log file:\n" + p.log());
    }

    @Test
    void aFailureOfSparksOwnReaderIsOneLineNamingTheFile() throws Exception {
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(Files.readAllBytes(good));
        }
        Path truncated = Files.write(tmp.resolve("truncated.libsvm.gz"), Arrays.copyOf(gz.toByteArray(), gz.size() / 2));
        refused("truncated-gz", "like:" + java.util.regex.Pattern.quote("scratchnet: file:" + truncated
                        + ": cannot be read after line ") + "\\d+: it ends early \\(.*\\): truncated or corrupt",
                "data.format=libsvm", "data.train=" + truncated);

        Path csv = Files.writeString(tmp.resolve("table.csv"), "label,a,b\n0,1,2\n1,3,4\n");
        refused("csv-as-parquet", "like:" + java.util.regex.Pattern.quote("scratchnet: spark.scratchnet.data.train: file:"
                        + csv + " is not a Parquet file. Expected magic number at tail, but found [") + "[0-9, ]+"
                        + java.util.regex.Pattern.quote("] (spark.scratchnet.data.format=parquet)"),
                "data.format=parquet", "data.train=" + csv);
    }

    @Test
    void aLibsvmRunPrintsNoWarningOfSparksAndLogsItsClasses() throws Exception {
        Path out = tmp.resolve("out-good");
        Runs.Proc p = Runs.submit(logs, "libsvm-good", run(out, "data.format=libsvm", "data.train=" + good,
                "data.test=" + good));
        assertEquals(0, p.waitFor(300), p.out() + p.err());
        assertFalse(p.err().contains("numFeatures"), p.err());
        assertFalse(p.err().contains("LibSVMFileFormat"), p.err());
        assertTrue(p.out().lines().anyMatch(l -> l.equals("classes: 3 (0: 100, 1: 100, 2: 100)")), p.out());
        assertTrue(Files.exists(out.resolve("summary.json")));
    }
}
