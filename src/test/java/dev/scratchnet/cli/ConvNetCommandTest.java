package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scratchnet.testing.TestData;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layer lists and input shapes that do not fit, through the command line: one line naming the setting, the layer
 * and what does not fit, exit 2, before Spark starts (MNIST's IDX header gives the 1x28x28 the layers are checked on).
 */
class ConvNetCommandTest {
    @BeforeAll
    static void data() {
        TestData.mnist();
    }

    private static void assertUserError(Path tmp, String expected, String... kv) {
        Path out = tmp.resolve("run");
        MainTest.Run r = MainTest.run(MainTest.conf(out, kv), "train");
        assertEquals(2, r.code(), r.out() + r.err());
        assertEquals("scratchnet: " + expected + "\n", r.err());
    }

    @Test
    void windowsThatDoNotFit(@TempDir Path tmp) {
        assertUserError(tmp, "spark.scratchnet.network: layer 3 (pool:30x30) on input 30x24x24: 30x30 windows do not "
                + "fit its 24x24 images (1x28x28 inputs, 10 classes)", "network", "conv:30:5x5,relu,pool:30x30,affine");
    }

    @Test
    void aConvolutionOnAFlatInput(@TempDir Path tmp) {
        assertUserError(tmp, "spark.scratchnet.network: layer 1 (conv:30:5x5) on input 784: conv needs an image, got a "
                + "flat vector of 784 values: give its shape C x H x W (spark.scratchnet.inputShape, e.g. 1x28x28) (784 "
                + "inputs, 10 classes)", "network", "conv:30:5x5,relu,pool:2x2,affine", "inputShape", "784");
    }

    @Test
    void anInputShapeOfAnotherSize(@TempDir Path tmp) {
        assertUserError(tmp, "spark.scratchnet.inputShape: 3x28x28 is 2352 values, the data's examples have 784",
                "network", "conv:30:5x5,relu,affine", "inputShape", "3x28x28");
    }

    @Test
    void aLayerListThatDoesNotParse(@TempDir Path tmp) {
        MainTest.Run r = MainTest.run(MainTest.conf(tmp.resolve("run"), "network", "conv:30:5x5:s0,relu,affine"), "train");
        assertEquals(2, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertEquals(true, r.err().startsWith("scratchnet: spark.scratchnet.network: "), r.err());
        assertEquals(true, r.err().contains("layer 1 ('conv:30:5x5:s0'): the stride must be ≥ 1"), r.err());
    }
}
