package dev.scratchnet.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;

/** How settings' values read and print as text: integers (with their ranges), decimals, names. */
final class ValueText {
    private ValueText() {}

    /** {@code v} as written in a conf file: integers without a trailing {@code .0}, others as Java prints them. */
    static String formatDouble(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        return String.valueOf(v);
    }

    static long parseInteger(String text, long min, long max) {
        String t = text.replace("_", "");
        BigInteger v;
        try {
            v = new BigInteger(t.startsWith("+") ? t.substring(1) : t);
        } catch (NumberFormatException e) {
            try {
                BigDecimal d = new BigDecimal(t);
                v = d.toBigIntegerExact();
            } catch (NumberFormatException | ArithmeticException e2) {
                throw new IllegalArgumentException("not an integer");
            }
        }
        if (v.compareTo(BigInteger.valueOf(min)) < 0 || v.compareTo(BigInteger.valueOf(max)) > 0) {
            throw new IllegalArgumentException(v.bitLength() >= 64 ? "out of range (beyond 64 bits)" : "out of range");
        }
        return v.longValueExact();
    }

    static String range(long min, long max) {
        if (min == Long.MIN_VALUE && max == Long.MAX_VALUE) {
            return "a 64-bit integer";
        }
        if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
            return "≥ " + min;
        }
        return min + " .. " + max;
    }

    static String splitCamel(String name) {
        String last = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : name;
        return last.replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(Locale.ROOT);
    }
}
