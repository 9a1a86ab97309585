package dev.scratchnet.data;

/** How many fields a line of CSV has, counted as Spark's CSV reader splits it by default. */
public final class CsvFields {
    private CsvFields() {}

    /**
     * The fields of {@code line}: separators ({@code ,}) outside double quotes split it; a backslash escapes the
     * character after it (Spark's default {@code escape}); a doubled quote inside quotes is a quote.
     */
    public static int count(String line) {
        int fields = 1;
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields++;
            }
        }
        return fields;
    }
}
