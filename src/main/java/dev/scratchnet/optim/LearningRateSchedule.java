package dev.scratchnet.optim;

import java.util.Locale;

/**
 * How the learning rate changes during a run, as a factor of the configured rate: {@code constant} (the book's
 * runs), {@code step:<every>:<factor>} (multiplied by {@code factor} after every {@code every} epochs) or
 * {@code cosine:<epochs>[:<floor>]} (half a cosine from 1 down to {@code floor}, default 0, over that many epochs,
 * then {@code floor}), times an optional linear warm-up over the first steps (Goyal et al. 2017, "Accurate, Large
 * Minibatch SGD": step {@code t} of {@code w} runs at {@code (t + 1) / w} of the rate).
 *
 * <p>The factor is a pure function of the global step and the steps per epoch, so a resumed run continues
 * exactly; horizons are written in the setting (not taken from the run's length), so extending a run does not
 * change the rates of the steps it already has.
 *
 * @param kind which curve
 * @param epochs {@code step}: epochs between drops; {@code cosine}: epochs to reach the floor; {@code constant}: 0
 * @param factor {@code step}: the multiplier at each drop; {@code cosine}: the floor; {@code constant}: 1
 */
public record LearningRateSchedule(Kind kind, int epochs, double factor) implements java.io.Serializable {
    /** The curves. */
    public enum Kind { CONSTANT, STEP, COSINE }

    /** The rate as configured at every step. */
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule(Kind.CONSTANT, 0, 1);

    public LearningRateSchedule {
        boolean ok = switch (kind) {
            case CONSTANT -> epochs == 0 && factor == 1;
            case STEP -> epochs >= 1 && factor > 0 && factor <= 1;
            case COSINE -> epochs >= 1 && factor >= 0 && factor < 1;
        };
        if (!ok) {
            throw new IllegalArgumentException(switch (kind) {
                case CONSTANT -> "constant takes no arguments";
                case STEP -> "step needs every ≥ 1 epochs and 0 < factor ≤ 1";
                case COSINE -> "cosine needs epochs ≥ 1 and 0 ≤ floor < 1";
            });
        }
    }

    /**
     * Parses {@code constant}, {@code step:<every>:<factor>} or {@code cosine:<epochs>[:<floor>]} (any case).
     *
     * @throws IllegalArgumentException saying what is wrong
     */
    public static LearningRateSchedule parse(String text) {
        String[] p = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
        try {
            return switch (p[0]) {
                case "constant" -> {
                    if (p.length != 1) {
                        throw new IllegalArgumentException("constant takes no arguments");
                    }
                    yield CONSTANT;
                }
                case "step" -> {
                    if (p.length != 3) {
                        throw new IllegalArgumentException("step needs step:<every epochs>:<factor>");
                    }
                    yield new LearningRateSchedule(Kind.STEP, Integer.parseInt(p[1]), number(p[2]));
                }
                case "cosine" -> {
                    if (p.length != 2 && p.length != 3) {
                        throw new IllegalArgumentException("cosine needs cosine:<epochs> or cosine:<epochs>:<floor>");
                    }
                    yield new LearningRateSchedule(Kind.COSINE, Integer.parseInt(p[1]), p.length == 3 ? number(p[2]) : 0);
                }
                default -> throw new IllegalArgumentException("unknown schedule");
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in " + p[0]);
        }
    }

    /**
     * The factor of the configured learning rate for global step {@code step} (0-based) with {@code stepsPerEpoch}
     * steps an epoch and {@code warmupSteps} steps of linear warm-up (0: none).
     */
    public double factor(long step, int stepsPerEpoch, long warmupSteps) {
        double warmup = step < warmupSteps ? (step + 1) / (double) warmupSteps : 1;
        long span = (long) epochs * stepsPerEpoch;
        double curve = switch (kind) {
            case CONSTANT -> 1;
            case STEP -> Math.pow(factor, step / span);
            case COSINE -> factor + (1 - factor) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, step / (double) span)));
        };
        return warmup * curve;
    }

    @Override
    public String toString() {
        return switch (kind) {
            case CONSTANT -> "constant";
            case STEP -> "step:" + epochs + ":" + text(factor);
            case COSINE -> "cosine:" + epochs + (factor == 0 ? "" : ":" + text(factor));
        };
    }

    private static double number(String text) {
        double v = Double.parseDouble(text);
        if (!Double.isFinite(v)) {
            throw new NumberFormatException(text);
        }
        return v;
    }

    private static String text(double v) {
        return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
    }
}
