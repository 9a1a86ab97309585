package dev.scratchnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** LibSVM lines, and what each kind of bad field is called: the index as the file writes it, the value as written. */
class LibSvmTest {
    @Test
    void aLineIsItsLabelAndItsIndicesAsWritten() {
        LibSvm.Line line = LibSvm.parse("  3 1:0.5\t7:255   20:-1e-3 ", 1);
        assertEquals(3, line.label());
        assertArrayEquals(new int[] {1, 7, 20}, line.indices());
        assertArrayEquals(new double[] {0.5, 255, -1e-3}, line.values());
        assertEquals(20, line.maxIndex());
        assertFalse(line.bytes());
        assertArrayEquals(new int[] {0, 6, 19}, LibSvm.zeroBased(line.indices()));
        assertTrue(LibSvm.parse("1.0 2:255 3:0", 1).bytes(), "integers 0 … 255 are cached as bytes");
        assertEquals(0, LibSvm.parse("2", 1).maxIndex(), "a line may have no features");
        assertFalse(LibSvm.isRecord("   "));
        assertFalse(LibSvm.isRecord("# a comment"));
        assertTrue(LibSvm.isRecord("0 1:1"));
    }

    @Test
    void everyBadFieldIsNamedAsTheFileWritesIt() {
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("1 2:0.5 5:abc", "index 5: 'abc' is not a number");
        cases.put("1 5:nan", "index 5: 'nan' is not a finite number");
        cases.put("1 5:NaN", "index 5: 'NaN' is not a finite number");
        cases.put("1 5:inf", "index 5: 'inf' is not a finite number");
        cases.put("1 5:-Infinity", "index 5: '-Infinity' is not a finite number");
        cases.put("1 5:1e400", "index 5: '1e400' is beyond the range of a double");
        cases.put("1 5:1e39", "index 5: 1e39 is beyond single precision's range (±3.4e38), in which features are cached");
        cases.put("1 0:0.5 5:1", "index 0: LibSVM indices start at 1");
        cases.put("1 5:0.5 2:1", "index 2 after index 5: indices must be in ascending order");
        cases.put("1 2:0.5 2:1", "index 2 appears twice");
        cases.put("1 2:0.5 x:1", "field 3 'x:1': index 'x' is not an integer");
        cases.put("1 2:0.5 7", "field 3 '7' is not index:value");
        cases.put("1 2:0.5 7:", "field 3 '7:' is not index:value");
        cases.put("1 99999999999:1", "index 99999999999 is beyond what an array holds (2^31)");
        cases.put("-1 2:0.5", "label -1 is not a class index (an integer 0 … K-1)");
        cases.put("1.5 2:0.5", "label 1.5 is not a class index (an integer 0 … K-1)");
        cases.put("cat 2:0.5", "label 'cat' is not a number (index text labels with StringIndexer)");
        cases.put("nan 2:0.5", "label 'nan' is not a finite number");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LibSvm.parse(c.getKey(), 1),
                    c.getKey());
            assertEquals(c.getValue(), e.getMessage(), c.getKey());
        }
        IllegalArgumentException scaled = assertThrows(IllegalArgumentException.class, () -> LibSvm.parse("1 3:2", 1e308));
        assertEquals("index 3: 2 times data.scale 1.0E308 is beyond single precision's range (±3.4e38)", scaled.getMessage());
    }

    @Test
    void csvFieldsAreCountedAsSparkSplitsThem() {
        assertEquals(3, CsvFields.count("1,2,3"));
        assertEquals(4, CsvFields.count("1,,,"));
        assertEquals(3, CsvFields.count("\"a,b\",2,3"));
        assertEquals(3, CsvFields.count("\"a\\\",b\",2,3"), "an escaped quote does not end the quoted field");
        assertEquals(1, CsvFields.count(""));
    }
}
