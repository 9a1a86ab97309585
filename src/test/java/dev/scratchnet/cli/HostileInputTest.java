package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.report.NdArray;
import dev.scratchnet.report.Npz;
import dev.scratchnet.report.RunLock;
import dev.scratchnet.run.Checkpoint;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.CraftedFiles;
import dev.scratchnet.testing.Permissions;
import dev.scratchnet.testing.TestData;
import dev.scratchnet.training.OutputSettings;
import dev.scratchnet.training.TrainingSettings;
import dev.scratchnet.training.TrainingState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints and models that are broken, replaced or not ours: each is one line on stderr, exit 2, and
 * no output written (the checks run before any SparkContext starts, so these tests are fast).
 */
class HostileInputTest {
    /** What a run on the real MNIST training set records as its data. */
    static final String MNIST_IDENTITY = dev.scratchnet.partition.ExampleBlock.identity(60000, 784,
            dev.scratchnet.partition.ExampleBlock.whole(TestData.mnist().train()).digest());

    @TempDir
    Path tmp;
    Path out;

    @BeforeAll
    static void data() {
        TestData.mnist();
    }

    static final String[] RUN = {"hidden", "20", "batchSize", "1000", "optimizer", "momentum", "learningRate", "0.2",
            "weightInit", "he"};

    SparkConf conf(String... extra) {
        String[] kv = new String[RUN.length + extra.length + 2];
        System.arraycopy(RUN, 0, kv, 0, RUN.length);
        System.arraycopy(extra, 0, kv, RUN.length, extra.length);
        kv[kv.length - 2] = "resume";
        kv[kv.length - 1] = "true";
        return MainTest.conf(out, kv);
    }

    /** A valid checkpoint at global step 5 of a run with {@link #RUN}'s settings, in {@code <out>/checkpoint}. */
    Path goodCheckpoint() {
        return checkpoint(state -> {});
    }

    /** The same checkpoint, written after {@code change} has altered the state (as a diverged run would). */
    Path checkpoint(java.util.function.Consumer<TrainingState> change) {
        Map<String, String> properties = new LinkedHashMap<>();
        TestData.PLAIN.forEach((k, v) -> properties.put("spark.scratchnet." + k, v));
        for (int i = 0; i < RUN.length; i += 2) {
            properties.put("spark.scratchnet." + RUN[i], RUN[i + 1]);
        }
        properties.put("spark.scratchnet.out", out.toString());
        Configuration config = Settings.parse(properties);
        NetworkSpec spec = NetworkSettings.spec(config, 784, 10);
        double[] params = config.get(NetworkSettings.WEIGHT_INIT).initialize(spec, config.get(TrainingSettings.SEED));
        Optimizer optimizer = TrainingSettings.newOptimizer(config, spec.parameterCount());
        TrainingState state = new TrainingState(params, optimizer, 0, 5, 5, 1.0, 10.0, 5000, List.of(), 0, null);
        change.accept(state);
        Path dir = Path.of(OutputSettings.checkpointFolder(config));
        Checkpoint.save(dir, config, spec, state, MNIST_IDENTITY);
        return dir;
    }

    void assertOneLineAndNoOutput(MainTest.Run r, String expected) {
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("scratchnet: ") && r.err().contains(expected),
                "expected '" + expected + "' in: " + r.err());
        for (String file : List.of("model.npz", "model.json", "model.onnx", "summary.json", "metrics.csv", "accuracy.png")) {
            assertFalse(Files.exists(out.resolve(file)), "no " + file + " from a failed run");
        }
    }

    @Test
    void resumeWithoutACheckpoint() {
        out = tmp.resolve("run");
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "resume=true but there is no checkpoint");
    }

    @Test
    void truncatedCheckpointJson() throws IOException {
        out = tmp.resolve("run");
        Path json = goodCheckpoint().resolve(Checkpoint.FILE);
        String text = Files.readString(json);
        Files.writeString(json, text.substring(0, text.length() / 2));
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), json.toString());
    }

    @Test
    void checkpointJsonThatIsNotOurs() throws IOException {
        out = tmp.resolve("run");
        Path json = goodCheckpoint().resolve(Checkpoint.FILE);
        Files.writeString(json, "{\"format\": \"something-else\"}");
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "is not a scratchnet checkpoint");
        Files.writeString(json, "[1, 2, 3]");
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "is not a scratchnet checkpoint");
    }

    @Test
    void stateFileReplacedOrTruncated() throws IOException {
        out = tmp.resolve("run");
        Path dir = goodCheckpoint();
        Path state = dir.resolve("state-5.npz");
        LinkedHashMap<String, NdArray> other = new LinkedHashMap<>(Npz.read(state));
        other.put("params", NdArray.vector(new double[other.get("params").size()]));
        Npz.write(state, other);
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "does not match the SHA-256");

        byte[] bytes = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "does not match the SHA-256");

        Files.delete(state);
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "which does not exist");
    }

    @Test
    void stateFileOutsideTheCheckpointFolderIsRefused() throws IOException {
        out = tmp.resolve("run");
        Path json = goodCheckpoint().resolve(Checkpoint.FILE);
        Files.writeString(json, Files.readString(json).replace("\"state-5.npz\"", "\"../../state-5.npz\""));
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "bad state_file");
    }

    @Test
    void checkpointFromADifferentRun() {
        out = tmp.resolve("run");
        goodCheckpoint();
        assertOneLineAndNoOutput(MainTest.run(conf("batchSize", "500"), "train"),
                "was made with spark.scratchnet.batchSize=1000, this run has 500");
        assertOneLineAndNoOutput(MainTest.run(conf("hidden", "30"), "train"), "was made with network=784-20-10 relu");
    }

    @Test
    void checkpointPositionOutOfRange() throws IOException {
        out = tmp.resolve("run");
        Path json = goodCheckpoint().resolve(Checkpoint.FILE);
        String good = Files.readString(json);
        Files.writeString(json, good.replace("\"step_in_epoch\" : 5", "\"step_in_epoch\" : -1"));
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "step_in_epoch");
        Files.writeString(json, good.replace("\"global_step\" : 5", "\"global_step\" : \"five\""));
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "global_step");
        Files.writeString(json, good.replace("\"step_in_epoch\" : 5", "\"step_in_epoch\" : 600"));
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "does not fit");
    }

    @Test
    void evaluateRejectsATruncatedOrTextModel() throws IOException {
        out = tmp.resolve("unused");
        Path model = tmp.resolve("model");
        Files.createDirectories(model);
        NetworkSpec spec = NetworkSettings.spec(Settings.parse(Map.of("spark.scratchnet.hidden", "20")), 784, 10);
        ModelFile.save(model, spec, new double[spec.parameterCount()]);
        Path npz = model.resolve(ModelFile.WEIGHTS);
        byte[] bytes = Files.readAllBytes(npz);
        Files.write(npz, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", model.toString()), npz.toString());

        Files.writeString(npz, "W1,b1\n1,2\n");
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", npz.toString()), npz.toString());

        // A description cut short inside the npz: model.json beside it is never read.
        Npz.write(npz, ModelFile.toArrays(spec, new double[spec.parameterCount()]), Map.of(
                ModelFile.EMBEDDED_DESCRIPTION, "{\"format\": \"scratchnet-model\", \"hidden\": [20]".getBytes()));
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", model.toString()),
                npz + " member network.json is not valid JSON");
    }

    @Test
    void evaluateRejectsAnOnnxFileThatIsBrokenOrNotOurs() throws IOException {
        out = tmp.resolve("unused");
        Path model = Files.createDirectories(tmp.resolve("model"));
        NetworkSpec spec = NetworkSettings.spec(Settings.parse(Map.of("spark.scratchnet.hidden", "20")), 784, 10);
        ModelFile.save(model, spec, new double[spec.parameterCount()], 1 / 255.0);
        Path onnx = model.resolve(ModelFile.ONNX);
        byte[] bytes = Files.readAllBytes(onnx);

        Files.write(onnx, java.util.Arrays.copyOf(bytes, bytes.length - 100));
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", onnx.toString()),
                onnx + " is not an ONNX model");
        Files.writeString(onnx, "W1,b1\n1,2\n");
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", onnx.toString()),
                onnx + " is not an ONNX model");

        // A valid ONNX model that another tool wrote: ours without the metadata that says what network it is.
        dev.scratchnet.onnx.proto.OnnxMl.ModelProto foreign = dev.scratchnet.onnx.proto.OnnxMl.ModelProto.parseFrom(bytes)
                .toBuilder().clearMetadataProps().build();
        Files.write(onnx, foreign.toByteArray());
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", onnx.toString()),
                onnx + " is an ONNX model but not one scratchnet wrote");

        // Ours, with a weight removed.
        dev.scratchnet.onnx.proto.OnnxMl.ModelProto.Builder cut = dev.scratchnet.onnx.proto.OnnxMl.ModelProto.parseFrom(bytes)
                .toBuilder();
        cut.getGraphBuilder().removeInitializer(0);
        Files.write(onnx, cut.build().toByteArray());
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", onnx.toString()), onnx + ": no array W1");
    }

    @Test
    void evaluateRefusesAHeaderClaimingSixteenGigabytes() throws IOException {
        out = tmp.resolve("unused");
        Path model = Files.createDirectories(tmp.resolve("model"));
        Path npz = CraftedFiles.hugeClaimNpz(model.resolve(ModelFile.WEIGHTS));
        assertTrue(Files.size(npz) < 300, "a small file: " + Files.size(npz));
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", model.toString()),
                npz + ": entry 'W1.npy' has 0 data bytes but shape [2000000000] needs 16000000000");
    }

    @Test
    void evaluateRefusesNonFiniteWeights() throws IOException {
        out = tmp.resolve("unused");
        Path model = tmp.resolve("model");
        NetworkSpec spec = NetworkSettings.spec(Settings.parse(Map.of("spark.scratchnet.hidden", "20")), 784, 10);
        double[] params = new double[spec.parameterCount()];
        for (int row = 0; row < 784; row++) {
            params[row * 20 + 3] = row % 2 == 0 ? Double.NaN : Double.POSITIVE_INFINITY; // W1's column 3
        }
        ModelFile.save(Files.createDirectories(model), spec, params);
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", model.toString()),
                model.resolve(ModelFile.WEIGHTS) + ": W1 holds 784 non-finite values (NaN or Inf)");
    }

    @Test
    void resumeRefusesNonFiniteParametersOrOptimizerState() {
        out = tmp.resolve("run");
        Path state = checkpoint(s -> s.params()[17] = Double.NaN).resolve("state-5.npz");
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"), state + ": params holds 1 non-finite value (NaN or Inf)");

        checkpoint(s -> {
            Map<String, double[]> momentum = s.optimizer().state();
            java.util.Arrays.fill(momentum.get("v"), 0, 5, Double.NEGATIVE_INFINITY);
            s.optimizer().restore(momentum);
        });
        assertOneLineAndNoOutput(MainTest.run(conf(), "train"),
                state + ": optimizer_v holds 5 non-finite values (NaN or Inf)");
    }

    @Test
    void aSecondRunOnAFolderInUseIsRefusedAndWritesNothing() throws IOException {
        out = tmp.resolve("run");
        Path elsewhere = tmp.resolve("checkpoints");
        try (RunLock other = RunLock.acquire(List.of(new RunLock.Folder("output folder", out),
                new RunLock.Folder("checkpoint folder", elsewhere)))) {
            Map<Path, String> before = listing(tmp);
            MainTest.Run r = MainTest.run(MainTest.conf(out, "steps", "1"), "train", "--in-process");
            assertOneLineAndNoOutput(r, "output folder (spark.scratchnet.out) " + out + " is in use by another run");
            assertEquals(before, listing(tmp), "the refused run wrote nothing");

            Path free = tmp.resolve("free");
            MainTest.Run c = MainTest.run(MainTest.conf(free, "steps", "1", "checkpoint.dir", elsewhere.toString()),
                    "train", "--in-process");
            assertEquals(2, c.code(), c.err());
            assertTrue(c.err().startsWith("scratchnet: checkpoint folder (spark.scratchnet.checkpoint.dir) "
                    + elsewhere + " is in use by another run"), c.err());
            try (RunLock freeAgain = RunLock.acquire(List.of(new RunLock.Folder("output folder", free)))) {
                assertTrue(Files.exists(free.resolve(RunLock.FILE)), "the refused run gave its output folder's lock back");
            }
        }
    }

    /** Every file and folder under {@code dir} with its size and modification time. */
    private static Map<Path, String> listing(Path dir) throws IOException {
        Map<Path, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                files.put(p, Files.size(p) + " " + Files.getLastModifiedTime(p));
            }
        }
        return files;
    }

    @Test
    void unreadableModelOrCheckpointSaysPermissionDenied() throws IOException {
        Permissions.assumeEnforced(tmp);
        out = tmp.resolve("run");
        Path model = Files.createDirectories(tmp.resolve("model"));
        NetworkSpec spec = NetworkSettings.spec(Settings.parse(Map.of("spark.scratchnet.hidden", "20")), 784, 10);
        ModelFile.save(model, spec, new double[spec.parameterCount()]);
        Path npz = model.resolve(ModelFile.WEIGHTS);
        Permissions.set(npz, "---------");
        assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", model.toString()), "permission denied");
        Permissions.set(npz, "rw-r--r--");
        Permissions.set(model, "---------");
        try {
            assertOneLineAndNoOutput(MainTest.run(conf(), "evaluate", "--model", model.toString()), "permission denied");
        } finally {
            Permissions.set(model, "rwxr-xr-x");
        }

        Path checkpoint = goodCheckpoint();
        for (Path locked : List.of(checkpoint.resolve("state-5.npz"), checkpoint.resolve(Checkpoint.FILE), checkpoint)) {
            Permissions.set(locked, "---------");
            try {
                assertOneLineAndNoOutput(MainTest.run(conf(), "train"), "permission denied");
            } finally {
                Permissions.set(locked, Files.isDirectory(locked) ? "rwxr-xr-x" : "rw-r--r--");
            }
        }
    }

    @Test
    void unwritableOutputFolderOrUnreadableDataSaysPermissionDenied() throws IOException {
        Permissions.assumeEnforced(tmp);
        out = Files.createDirectories(tmp.resolve("read-only"));
        Permissions.set(out, "r-xr-xr-x");
        try {
            MainTest.Run r = MainTest.run(MainTest.conf(out, "steps", "1"), "train", "--in-process");
            assertOneLineAndNoOutput(r, "output folder (spark.scratchnet.out) " + out + " is not writable: permission denied");
        } finally {
            Permissions.set(out, "rwxr-xr-x");
        }
        Path data = Files.createDirectories(tmp.resolve("data"));
        Permissions.set(data, "---------");
        try {
            MainTest.Run d = MainTest.run(MainTest.conf(tmp.resolve("run")).set("spark.scratchnet.data.dir", data.toString()),
                    "train", "--in-process");
            assertEquals(2, d.code(), d.err());
            assertEquals(1, d.err().lines().count(), d.err());
            assertTrue(d.err().contains("permission denied"), d.err());
        } finally {
            Permissions.set(data, "rwxr-xr-x");
        }
    }

    @Test
    void outputFolderThatIsAFile() throws IOException {
        out = Files.writeString(tmp.resolve("a-file"), "x");
        MainTest.Run r = MainTest.run(MainTest.conf(out), "train");
        assertEquals(2, r.code());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals("x", Files.readString(out));
    }
}
