package dev.scratchnet.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccuracyChartTest {
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    @TempDir
    Path dir;

    /** A curve shaped like the book's: fast rise, then train slightly above test. */
    static List<EpochMetrics> bookLikeRun(int epochs, boolean withTrain) {
        List<EpochMetrics> metrics = new ArrayList<>();
        for (int e = 0; e < epochs; e++) {
            double test = 0.97 - 0.87 * Math.exp(-1.2 * e);
            double train = Math.min(1.0, test + 0.002 * e);
            metrics.add(new EpochMetrics(e, 600L * e, 3.0 * e, 2.3 * Math.exp(-0.5 * e),
                    withTrain ? train : Double.NaN, Double.NaN, test));
        }
        return metrics;
    }

    @Test
    void writesA640x480Png() throws IOException {
        Path png = dir.resolve("accuracy.png");
        AccuracyChart.write(png, bookLikeRun(17, true), null);
        assertIsPng640x480(png);
        keepForHumans(png, "accuracy.png");
    }

    @Test
    void drawsOnlyTestWhenTrainAccuracyIsOff() throws IOException {
        Path png = dir.resolve("accuracy-test-only.png");
        AccuracyChart.write(png, bookLikeRun(17, false), "784-50-10, batch 1000, Adam");
        assertIsPng640x480(png);
        keepForHumans(png, "accuracy-test-only.png");
    }

    @Test
    void emptyMetricsStillRender() throws IOException {
        Path png = dir.resolve("empty.png");
        AccuracyChart.write(png, List.of(), null);
        assertIsPng640x480(png);
    }

    private static void assertIsPng640x480(Path png) throws IOException {
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, 8));
        BufferedImage image = ImageIO.read(png.toFile());
        assertNotNull(image);
        assertEquals(AccuracyChart.WIDTH, image.getWidth());
        assertEquals(AccuracyChart.HEIGHT, image.getHeight());
    }

    /** A copy under target/test-output, so a person can look at the figure after a build. */
    private static void keepForHumans(Path png, String name) throws IOException {
        String project = System.getProperty("scratchnet.project.dir");
        if (project != null) {
            Path out = Path.of(project, "target", "test-output");
            Files.createDirectories(out);
            Files.copy(png, out.resolve(name), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
