package dev.scratchnet.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scratchnet.partition.Step;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The schedules' factors at chosen steps, computed by hand; their text forms; bad texts. */
class LearningRateScheduleTest {
    static final double EXACT = 0;
    static final double ROUNDING = 1e-15;

    @Test
    void constantIsOneAtEveryStep() {
        for (long step : new long[] {0, 1, 59, 60, 1_000_000}) {
            assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(step, 60, 0), EXACT);
        }
    }

    @Test
    void stepMultipliesByItsFactorAtEveryEpochBoundary() {
        LearningRateSchedule s = LearningRateSchedule.parse("step:2:0.5");
        // 60 steps an epoch: epochs 1-2 are steps 0-119, epochs 3-4 are 120-239, ...
        assertEquals(1.0, s.factor(0, 60, 0), EXACT);
        assertEquals(1.0, s.factor(119, 60, 0), EXACT);
        assertEquals(0.5, s.factor(120, 60, 0), EXACT);
        assertEquals(0.5, s.factor(239, 60, 0), EXACT);
        assertEquals(0.25, s.factor(240, 60, 0), EXACT);
        assertEquals(0.125, s.factor(360, 60, 0), EXACT);
    }

    @Test
    void cosineFallsFromOneToItsFloorOverItsEpochsThenStays() {
        LearningRateSchedule s = LearningRateSchedule.parse("cosine:4");
        // 4 epochs of 30 steps = 120 steps: half-way (step 60) is 0.5, a quarter (step 30) is (1 + cos(pi/4)) / 2.
        assertEquals(1.0, s.factor(0, 30, 0), EXACT);
        assertEquals((1 + Math.sqrt(0.5)) / 2, s.factor(30, 30, 0), ROUNDING);
        assertEquals(0.5, s.factor(60, 30, 0), ROUNDING);
        assertEquals((1 - Math.sqrt(0.5)) / 2, s.factor(90, 30, 0), ROUNDING);
        assertEquals(0.0, s.factor(120, 30, 0), EXACT);
        assertEquals(0.0, s.factor(500, 30, 0), EXACT);

        LearningRateSchedule floored = LearningRateSchedule.parse("cosine:4:0.1");
        assertEquals(1.0, floored.factor(0, 30, 0), EXACT);
        assertEquals(0.1 + 0.9 * 0.5, floored.factor(60, 30, 0), ROUNDING);
        assertEquals(0.1, floored.factor(120, 30, 0), ROUNDING);
        assertEquals(0.1, floored.factor(10_000, 30, 0), ROUNDING);
    }

    @Test
    void warmupRampsLinearlyOverItsStepsAndMultipliesTheSchedule() {
        assertEquals(0.25, LearningRateSchedule.CONSTANT.factor(0, 60, 4), EXACT);
        assertEquals(0.5, LearningRateSchedule.CONSTANT.factor(1, 60, 4), EXACT);
        assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(3, 60, 4), EXACT);
        assertEquals(1.0, LearningRateSchedule.CONSTANT.factor(4, 60, 4), EXACT);
        LearningRateSchedule step = LearningRateSchedule.parse("step:1:0.1");
        assertEquals(0.5, step.factor(1, 2, 4), ROUNDING, "step 1 ends epoch 1 (of 2 steps), warm-up at 2/4");
        assertEquals(0.1 * 0.75, step.factor(2, 2, 4), ROUNDING, "step 2 opens epoch 2, warm-up at 3/4");
    }

    @ParameterizedTest
    @CsvSource({"constant, constant", "CONSTANT, constant", "step:2:0.5, step:2:0.5", "Step:3:1, step:3:1",
            "cosine:5, cosine:5", "cosine:5:0, cosine:5", "cosine:10:0.05, cosine:10:0.05", "' cosine:3 ', cosine:3"})
    void textFormsRoundTrip(String text, String canonical) {
        LearningRateSchedule s = LearningRateSchedule.parse(text);
        assertEquals(canonical, s.toString());
        assertEquals(s, LearningRateSchedule.parse(s.toString()));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "linear | unknown schedule",
            "constant:1 | constant takes no arguments",
            "step | step needs step:<every epochs>:<factor>",
            "step:2 | step needs step:<every epochs>:<factor>",
            "step:0:0.5 | step needs every ≥ 1 epochs and 0 < factor ≤ 1",
            "step:2:1.5 | step needs every ≥ 1 epochs and 0 < factor ≤ 1",
            "step:2:0 | step needs every ≥ 1 epochs and 0 < factor ≤ 1",
            "step:two:0.5 | not a number in step",
            "cosine | cosine needs cosine:<epochs> or cosine:<epochs>:<floor>",
            "cosine:0 | cosine needs epochs ≥ 1 and 0 ≤ floor < 1",
            "cosine:5:1 | cosine needs epochs ≥ 1 and 0 ≤ floor < 1",
            "cosine:5:NaN | not a number in cosine",
            "cosine:2.5 | not a number in cosine"})
    void badTextsSayWhatIsWrong(String text, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.parse(text));
        assertEquals(message, e.getMessage());
    }
}
