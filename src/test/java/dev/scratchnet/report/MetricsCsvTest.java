package dev.scratchnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsCsvTest {
    @TempDir
    Path dir;

    static List<EpochMetrics> sample() {
        return List.of(
                new EpochMetrics(1, 600, 3.25, 0.412345678, 0.9051, Double.NaN, 0.9087),
                new EpochMetrics(2, 1200, 6.5, 0.2, 0.94035, 0.9412, 0.9401),
                new EpochMetrics(3, 1800, 9.75, 0.00012345, 0.9612833333, 0.96, 0.9583));
    }

    @Test
    void roundTrip() throws IOException {
        Path file = dir.resolve("metrics.csv");
        MetricsCsv.write(file, sample());
        List<String> lines = Files.readAllLines(file);
        assertEquals(MetricsCsv.HEADER, lines.get(0));
        assertEquals("1,600,3.250,0.412346,0.905100,,0.908700,,", lines.get(1));
        assertEquals("2,1200,6.500,0.200000,0.940350,0.941200,0.940100,,", lines.get(2));
        List<EpochMetrics> back = MetricsCsv.read(file);
        assertEquals(3, back.size());
        for (int i = 0; i < 3; i++) {
            EpochMetrics want = sample().get(i);
            EpochMetrics got = back.get(i);
            assertEquals(want.epoch(), got.epoch());
            assertEquals(want.step(), got.step());
            assertEquals(want.seconds(), got.seconds(), 5e-4);
            assertEquals(want.loss(), got.loss(), 1e-5 * want.loss());
            assertEquals(want.trainAccuracy(), got.trainAccuracy(), 5e-7);
            assertEquals(want.validationAccuracy(), got.validationAccuracy(), 5e-7);
            assertEquals(want.testAccuracy(), got.testAccuracy(), 5e-7);
        }
    }

    @Test
    void nanIsAnEmptyFieldAndReadsBackAsNan() throws IOException {
        Path file = dir.resolve("metrics.csv");
        MetricsCsv.write(file, List.of(new EpochMetrics(1, 60, 1.0, 0.5, Double.NaN, Double.NaN, 0.9)));
        assertEquals("1,60,1.000,0.500000,,,0.900000,,", Files.readAllLines(file).get(1));
        assertTrue(Double.isNaN(MetricsCsv.read(file).get(0).trainAccuracy()));
    }

    @Test
    void malformedRowNamesFileAndLine() throws IOException {
        Path file = Files.writeString(dir.resolve("metrics.csv"), MetricsCsv.HEADER + "\n1,60,1.0,0.5,0.9\n");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> MetricsCsv.read(file));
        assertTrue(e.getMessage().startsWith(file + " line 2 has 5 fields"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void wrongHeaderIsReported() throws IOException {
        Path file = Files.writeString(dir.resolve("metrics.csv"), "a,b\n");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> MetricsCsv.read(file));
        assertTrue(e.getMessage().startsWith(file + " is not a metrics file"), e.getMessage());
    }
}
