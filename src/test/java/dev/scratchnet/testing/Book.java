package dev.scratchnet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The book's run as {@code conf/book.conf} writes it, for tests that reproduce it exactly. */
public final class Book {
    private Book() {}

    /**
     * The {@code spark.scratchnet.*} training settings of {@code conf/book.conf} (not where its data and outputs go),
     * with {@code kv} (prefix-less key, value, …) over them.
     */
    public static Map<String, String> settings(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        Path conf = TestData.projectDir().resolve("conf/book.conf");
        try {
            for (String line : Files.readAllLines(conf)) {
                String t = line.strip();
                if (t.startsWith("spark.scratchnet.") && !t.startsWith("spark.scratchnet.data.")
                        && !t.startsWith("spark.scratchnet.out")) {
                    String[] p = t.split("\\s+", 2);
                    m.put(p[0], p.length > 1 ? p[1].strip() : "");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (int i = 0; i < kv.length; i += 2) {
            m.put("spark.scratchnet." + kv[i], kv[i + 1]);
        }
        return m;
    }
}
