package dev.scratchnet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.network.Activation;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class TrainConfigTest {

    @Test
    void defaultsAreTheBooksRun() {
        TrainConfig c = TrainConfig.defaults();
        assertEquals(100, c.batchSize());
        assertEquals(0.1, c.learningRate());
        assertEquals(10000, c.steps());
        assertEquals(List.of(50), c.hidden());
        assertEquals(Activation.RELU, c.activation());
        assertEquals("sgd", c.optimizer());
        assertEquals("std:0.01", c.weightInit().toString());
    }

    @Test
    void readsEverySettingAndIgnoresOtherSparkKeys() {
        TrainConfig c = TrainConfig.parse(Map.of(
                "spark.master", "local[2]",
                "spark.scratchnet.hidden", "100, 50",
                "spark.scratchnet.partitions", "3",
                "spark.scratchnet.optimizer", "Adam",
                "spark.scratchnet.evalTrain", "false",
                "spark.scratchnet.weightInit", "xavier"));
        assertEquals(List.of(100, 50), c.hidden());
        assertEquals(3, c.partitions());
        assertEquals("adam", c.optimizer());
        assertEquals(false, c.evalTrain());
        assertEquals(Setting.values().length - 1, c.effective().size(), "every setting but the test-only one");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "spark.scratchnet.batchSize | -5 | spark.scratchnet.batchSize: out of range, got '-5'",
            "spark.scratchnet.batchSize | ten | spark.scratchnet.batchSize: not an integer, got 'ten'",
            "spark.scratchnet.partitions | 0 | spark.scratchnet.partitions: out of range, got '0'",
            "spark.scratchnet.optimizer | rmsprop | spark.scratchnet.optimizer: unknown optimizer, got 'rmsprop'",
            "spark.scratchnet.hidden | abc | spark.scratchnet.hidden: not a comma list of integers, got 'abc'",
            "spark.scratchnet.hidden | 100,,50 | spark.scratchnet.hidden: not a comma list of integers",
            "spark.scratchnet.activation | tanh | spark.scratchnet.activation: unknown activation",
            "spark.scratchnet.learningRate | 0 | spark.scratchnet.learningRate: must be > 0",
            "spark.scratchnet.learningRate | NaN | spark.scratchnet.learningRate: not a finite number",
            "spark.scratchnet.targetAccuracy | 1.5 | spark.scratchnet.targetAccuracy: must be 0 (off) or in (0, 1]",
            "spark.scratchnet.evalTrain | yes | spark.scratchnet.evalTrain: not true or false",
            "spark.scratchnet.weightInit | -0.1 | spark.scratchnet.weightInit: not a positive std",
            "spark.scratchnet.treeDepth | 0 | spark.scratchnet.treeDepth: out of range",
            "spark.scratchnet.momentum | 1 | spark.scratchnet.momentum: must be in [0, 1)",
            "spark.scratchnet.out | '' | spark.scratchnet.out: must not be empty",
            "spark.scratchnet.batchsize | 100 | spark.scratchnet.batchsize: unknown setting (did you mean spark.scratchnet.batchSize?)",
            "spark.scratchnet.colour | red | spark.scratchnet.colour: unknown setting (known: data.dir, partitions,"})
    void badValuesFailWithOneLineNamingTheKey(String key, String value, String message) {
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> TrainConfig.parse(Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"), "one line");
    }

    @Test
    void theReadmeTableListsEverySetting() {
        String table = Setting.markdownTable();
        for (Setting s : Setting.values()) {
            assertTrue(table.contains("`" + s.key() + "`"), s.key());
        }
    }
}
