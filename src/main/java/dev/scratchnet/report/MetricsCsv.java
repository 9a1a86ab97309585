package dev.scratchnet.report;

import dev.scratchnet.ScratchnetException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code metrics.csv}: one row per epoch under the header
 * {@code epoch,step,seconds,loss,train_accuracy,validation_accuracy,test_accuracy,validation_loss,test_loss}.
 *
 * <p>Numbers use a dot as decimal separator whatever the locale; accuracies have six decimals (exact for
 * counts out of 10,000 and close for 60,000), seconds three, loss six significant digits. A value that is
 * {@code NaN} (train accuracy when train evaluation is off, validation accuracy without a validation split,
 * test accuracy without a test set) is an empty field, which pandas and numpy read
 * as NaN. The trainer rewrites the whole file atomically after each epoch, so the file is always complete.
 */
public final class MetricsCsv {
    /** The first line of every metrics file. */
    public static final String HEADER = "epoch,step,seconds,loss,train_accuracy,validation_accuracy,test_accuracy,"
            + "validation_loss,test_loss";

    private MetricsCsv() {
    }

    /** Writes {@code metrics} to {@code file} atomically, replacing what was there. */
    public static void write(Path file, List<EpochMetrics> metrics) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (EpochMetrics m : metrics) {
            csv.append(m.epoch()).append(',')
                    .append(m.step()).append(',')
                    .append(number(m.seconds(), "%.3f")).append(',')
                    .append(number(m.loss(), "%.6g")).append(',')
                    .append(number(m.trainAccuracy(), "%.6f")).append(',')
                    .append(number(m.validationAccuracy(), "%.6f")).append(',')
                    .append(number(m.testAccuracy(), "%.6f")).append(',')
                    .append(number(m.validationLoss(), "%.6g")).append(',')
                    .append(number(m.testLoss(), "%.6g")).append('\n');
        }
        AtomicFiles.writeString(file, csv.toString());
    }

    /**
     * Reads a metrics file written by {@link #write}.
     *
     * @throws ScratchnetException naming the file (and line) when it is missing or malformed
     */
    public static List<EpochMetrics> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ScratchnetException(file + " does not exist", e);
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
        }
        if (lines.isEmpty() || !lines.get(0).strip().equals(HEADER)) {
            throw new ScratchnetException(file + " is not a metrics file: the first line must be " + HEADER);
        }
        List<EpochMetrics> metrics = new ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split(",", -1);
            String where = file + " line " + (i + 1);
            if (f.length != 9) {
                throw new ScratchnetException(where + " has " + f.length + " fields, expected 9");
            }
            try {
                metrics.add(new EpochMetrics(Integer.parseInt(f[0].strip()), Long.parseLong(f[1].strip()),
                        parse(f[2]), parse(f[3]), parse(f[4]), parse(f[5]), parse(f[6]), parse(f[7]), parse(f[8])));
            } catch (NumberFormatException e) {
                throw new ScratchnetException(where + " has a field that is not a number: " + line, e);
            }
        }
        return metrics;
    }

    private static String number(double value, String format) {
        if (Double.isNaN(value)) {
            return "";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        return String.format(Locale.ROOT, format, value);
    }

    private static double parse(String field) {
        String s = field.strip();
        return switch (s.toLowerCase(Locale.ROOT)) {
            case "", "nan" -> Double.NaN;
            case "inf", "infinity" -> Double.POSITIVE_INFINITY;
            case "-inf", "-infinity" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(s);
        };
    }
}
