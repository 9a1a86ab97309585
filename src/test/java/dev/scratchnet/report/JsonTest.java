package dev.scratchnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.ScratchnetException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonTest {
    @TempDir
    Path dir;

    /** A summary-like record with a nested list and record, to exercise Jackson's record support. */
    record Summary(String network, int[] sizes, List<EpochMetrics> epochs, EpochMetrics last) {
    }

    @Test
    void recordRoundTripIsPrettyAndKeepsNaN() throws IOException {
        Path file = dir.resolve("summary.json");
        EpochMetrics last = new EpochMetrics(2, 1200, 6.5, 0.2, Double.NaN, Double.NaN, 0.9401);
        Summary summary = new Summary("784-50-10", new int[] {784, 50, 10},
                List.of(new EpochMetrics(1, 600, 3.25, 0.41, 0.9051, Double.NaN, 0.9087), last), last);
        Json.write(file, summary);
        String text = Files.readString(file);
        assertTrue(text.contains("\n  \"network\" : \"784-50-10\""), text);
        assertTrue(text.endsWith("}\n"));
        Summary back = Json.read(file, Summary.class);
        assertEquals(summary.network(), back.network());
        assertEquals(List.of(784, 50, 10), java.util.Arrays.stream(back.sizes()).boxed().toList());
        assertEquals(summary.epochs().get(0), back.epochs().get(0));
        assertEquals(last, back.last()); // record equals uses Double.compare: NaN equals NaN
        assertTrue(Double.isNaN(back.last().trainAccuracy()));

        JsonNode tree = Json.readTree(file);
        assertEquals(600, tree.get("epochs").get(0).get("step").asLong());
    }

    @Test
    void invalidJsonNamesFileAndParserMessageOnOneLine() throws IOException {
        Path file = Files.writeString(dir.resolve("model.json"), "{\"layers\": [784, 50,\n}\n");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Json.readTree(file));
        assertTrue(e.getMessage().startsWith(file + " is not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        ScratchnetException typed = assertThrows(ScratchnetException.class, () -> Json.read(file, Summary.class));
        assertTrue(typed.getMessage().startsWith(file + " is not valid JSON: "), typed.getMessage());
    }

    @Test
    void emptyFileIsInvalidJson() throws IOException {
        Path file = Files.writeString(dir.resolve("empty.json"), "");
        assertTrue(assertThrows(ScratchnetException.class, () -> Json.read(file, Summary.class)).getMessage()
                .equals(file + " is not valid JSON: the file is empty"));
        assertTrue(assertThrows(ScratchnetException.class, () -> Json.readTree(file)).getMessage()
                .equals(file + " is not valid JSON: the file is empty"));
    }

    @Test
    void jsonOfTheWrongShapeSaysWhatItShouldDescribe() throws IOException {
        Path file = Files.writeString(dir.resolve("summary.json"), "{\"netwrok\": \"784-50-10\"}");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Json.read(file, Summary.class));
        assertTrue(e.getMessage().startsWith(file + " does not describe a Summary: "), e.getMessage());
        assertTrue(e.getMessage().contains("netwrok"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    @Test
    void missingFileIsReported() {
        Path file = dir.resolve("absent.json");
        assertEquals(file + " does not exist",
                assertThrows(ScratchnetException.class, () -> Json.readTree(file)).getMessage());
    }
}
