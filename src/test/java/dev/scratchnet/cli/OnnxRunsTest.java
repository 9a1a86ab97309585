package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.data.ImageSet;
import dev.scratchnet.onnx.OnnxModel;
import dev.scratchnet.run.ModelFile;
import dev.scratchnet.testing.OnnxRuntime;
import dev.scratchnet.testing.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's {@code model.onnx} in onnxruntime against the run's own model on all 10,000 MNIST test images (the same
 * class for every image, probabilities within 1e-5), and {@code evaluate} on it prints the run's accuracy: a trained
 * fully connected network and a briefly trained convolutional one (conv, ReLU, pooling, batch normalization,
 * dropout, affine, sigmoid), both trained in this JVM.
 */
class OnnxRunsTest {
    private static final Pattern ACCURACY = Pattern.compile("test accuracy (\\d\\.\\d{4}) \\((\\d+) / 10000\\)");

    @Test
    void theFullyConnectedRunsOnnxModelPredictsWhatTheRunsModelPredicts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("mlp");
        MainTest.Run train = MainTest.run(MainTest.conf(out, "hidden", "100", "batchSize", "500", "optimizer", "adam",
                "learningRate", "0.005", "epochs", "2"), "train", "--in-process");
        assertEquals(0, train.code(), train.out() + train.err());
        String[] both = compare(out, new long[] {784});
        System.out.printf(Locale.ROOT, "fully connected: model.npz %s, model.onnx %s%n", both[0], both[1]);
        assertTrue(Double.parseDouble(both[0].substring(0, 6)) > 0.95, both[0]);
        runTheReadmesExample(out.resolve(ModelFile.ONNX), tmp);
    }

    /** The README's Java example (the block between {@code <!-- onnx-usage:begin/end -->}) compiled and run on the model. */
    private static void runTheReadmesExample(Path model, Path tmp) throws Exception {
        String readme = Files.readString(TestData.projectDir().resolve("README.md"));
        Matcher m = Pattern.compile("<!-- onnx-usage:begin -->\n```java\n(.*?)```\n<!-- onnx-usage:end -->",
                Pattern.DOTALL).matcher(readme);
        assertTrue(m.find(), "README.md has no onnx-usage block");
        assertTrue(m.group(1).contains("\"out/default/model.onnx\""), m.group(1));
        Path src = Files.createDirectories(tmp.resolve("serve"));
        Path file = Files.writeString(src.resolve("Serve.java"),
                m.group(1).replace("\"out/default/model.onnx\"", "\"" + model + "\""));
        int code = javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "-classpath",
                dev.scratchnet.testing.ClassPaths.joined(), "-d", src.toString(), file.toString());
        assertEquals(0, code, "the README's example compiles");
        java.io.PrintStream saved = System.out;
        java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {src.toUri().toURL()},
                OnnxRunsTest.class.getClassLoader())) {
            System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
            loader.loadClass("Serve").getMethod("main", String[].class).invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(saved);
        }
        String line = printed.toString(java.nio.charset.StandardCharsets.UTF_8).strip();
        assertEquals(10, line.split(",").length, "ten probabilities: " + line);
        System.out.println("the README's example printed " + line);
    }

    @Test
    void theConvNetsOnnxModelPredictsWhatTheRunsModelPredicts(@TempDir Path tmp) throws Exception {
        Path out = tmp.resolve("conv");
        MainTest.Run train = MainTest.run(MainTest.conf(out, "network",
                "conv:8:5x5,relu,pool:2x2,batchnorm,dropout:0.2,affine:32,sigmoid,affine", "batchSize", "100",
                "optimizer", "adam", "learningRate", "0.003", "steps", "40", "precision", "single"), "train",
                "--in-process");
        assertEquals(0, train.code(), train.out() + train.err());
        String[] both = compare(out, new long[] {1, 28, 28});
        System.out.printf(Locale.ROOT, "conv net: model.npz %s, model.onnx %s%n", both[0], both[1]);
    }

    /**
     * onnxruntime's probabilities against the model's on every test image; then {@code evaluate} on the run folder
     * and on its {@code model.onnx}, which must print the same accuracy. Returns both accuracies as printed.
     */
    private static String[] compare(Path out, long[] shape) throws Exception {
        ModelFile.Model model = ModelFile.load(out);
        ImageSet test = TestData.mnist().test();
        int n = test.size();
        float[] raw = OnnxRuntime.pixels(test, n);
        double[][] onnx = OnnxRuntime.run(out.resolve(ModelFile.ONNX), raw, n, shape);
        double[][] own = OnnxRuntime.expected(model.spec(), model.params(), raw, n, 1 / 255.0);
        double max = OnnxRuntime.assertSameClassifications(own, onnx);
        int right = 0;
        for (int i = 0; i < n; i++) {
            right += OnnxRuntime.argmax(onnx[i]) == test.label(i) ? 1 : 0;
        }
        System.out.printf(Locale.ROOT, "onnxruntime: %d / %d right, largest probability difference %.2e%n", right, n, max);
        assertTrue(Files.size(out.resolve(ModelFile.ONNX)) > 0);
        assertEquals(OnnxModel.OPSET, 17);

        String fromNpz = accuracy(MainTest.run(MainTest.conf(out.resolveSibling("unused")), "evaluate", "--model",
                out.toString()));
        String fromOnnx = accuracy(MainTest.run(MainTest.conf(out.resolveSibling("unused")), "evaluate", "--model",
                out.resolve(ModelFile.ONNX).toString()));
        assertEquals(fromNpz, fromOnnx, "evaluate on model.npz and on model.onnx");
        assertEquals(String.format(Locale.ROOT, "%.4f (%d / 10000)", right / 10000.0, right), fromOnnx,
                "onnxruntime's accuracy is evaluate's");
        return new String[] {fromNpz, fromOnnx};
    }

    private static String accuracy(MainTest.Run run) {
        assertEquals(0, run.code(), run.out() + run.err());
        Matcher m = ACCURACY.matcher(run.out());
        assertTrue(m.find(), run.out());
        return m.group(1) + " (" + m.group(2) + " / 10000)";
    }
}
