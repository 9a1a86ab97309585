package dev.scratchnet.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.math.Precision;
import dev.scratchnet.network.Activation;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.training.TrainingSettings;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Every scratchnet setting, parsed from Spark properties: defaults, values, and one-line errors. */
class SettingsTest {

    @Test
    void defaultsAreScikitLearnsMlpAndTheBookIsAConfFile() {
        Configuration c = Settings.defaults();
        assertEquals(0, c.get(TrainingSettings.BATCH_SIZE), "auto");
        assertEquals(200, TrainingSettings.batchSize(c, 60000, 60000), "scikit-learn's 200 for large tables");
        assertEquals(113, TrainingSettings.batchSize(c, 1131, 1257), "a tenth: ten steps an epoch");
        assertEquals(16, TrainingSettings.batchSize(c, 96, 105), "at least 16");
        assertEquals(9, TrainingSettings.batchSize(c, 9, 10), "never more than the table");
        assertEquals(0.001, c.get(TrainingSettings.LEARNING_RATE));
        assertEquals(0, c.get(TrainingSettings.STEPS));
        assertEquals(1000, c.get(TrainingSettings.EPOCHS), "a cap: early stopping ends the runs");
        assertEquals(20, c.get(TrainingSettings.PATIENCE));
        assertEquals("auto", c.text(TrainingSettings.VALIDATION_FRACTION));
        assertEquals(0.1, TrainingSettings.validationSplit(c, 60000).fraction(), "a tenth of a large set held out");
        assertEquals(0.0, TrainingSettings.validationSplit(c, 1249).fraction(), "a small table trains on all of it");
        assertEquals(1e-4, c.get(TrainingSettings.REG_PARAM));
        assertEquals(List.of(100), c.get(NetworkSettings.HIDDEN));
        assertEquals(Activation.RELU, c.get(NetworkSettings.ACTIVATION));
        assertEquals(Optimizer.Kind.ADAM, c.get(TrainingSettings.OPTIMIZER));
        assertEquals(Precision.SINGLE, c.get(TrainingSettings.PRECISION));
        assertEquals("auto", c.text(NetworkSettings.WEIGHT_INIT));

        Configuration book = Settings.parse(dev.scratchnet.testing.Book.settings());
        assertEquals(100, TrainingSettings.batchSize(book, 60000, 60000));
        assertEquals(0.1, book.get(TrainingSettings.LEARNING_RATE));
        assertEquals(10000, book.get(TrainingSettings.STEPS));
        assertEquals(List.of(50), book.get(NetworkSettings.HIDDEN));
        assertEquals(Optimizer.Kind.SGD, book.get(TrainingSettings.OPTIMIZER));
        assertEquals(Precision.DOUBLE, book.get(TrainingSettings.PRECISION));
        assertEquals("std:0.01", book.text(NetworkSettings.WEIGHT_INIT));
        assertEquals(0, book.get(TrainingSettings.PATIENCE));
        assertEquals(0.0, book.get(TrainingSettings.REG_PARAM));
        ScratchnetException set = assertThrows(ScratchnetException.class,
                () -> TrainingSettings.batchSize(book, 96, 105));
        assertEquals("spark.scratchnet.batchSize: 100 is larger than the training set (96 examples outside the "
                + "validation split)", set.getMessage(), "a batch size the user gave never adapts");
    }

    @Test
    void readsSettingsAndIgnoresOtherSparkKeys() {
        Configuration c = Settings.parse(Map.of(
                "spark.master", "local[2]",
                "spark.scratchnet.hidden", "100, 50",
                "spark.scratchnet.partitions", "3",
                "spark.scratchnet.optimizer", "Adam",
                "spark.scratchnet.evalTrain", "false",
                "spark.scratchnet.weightInit", "xavier",
                "spark.scratchnet.precision", "SINGLE"));
        assertEquals(List.of(100, 50), c.get(NetworkSettings.HIDDEN));
        assertEquals(3, c.get(EngineSettings.PARTITIONS));
        assertEquals(Optimizer.Kind.ADAM, c.get(TrainingSettings.OPTIMIZER));
        assertEquals(false, c.get(TrainingSettings.EVAL_TRAIN));
        assertEquals(Precision.SINGLE, c.get(TrainingSettings.PRECISION));
        assertEquals(Settings.ALL.size(), c.effective().size(), "the effective dump lists every setting");
        assertEquals("adam", c.effective().get("spark.scratchnet.optimizer"));
        assertEquals("100,50", c.effective().get("spark.scratchnet.hidden"));
        assertEquals("auto", Settings.defaults().effective().get("spark.scratchnet.partitions"));
    }

    @Test
    void everyEffectiveValueParsesBackToItself() {
        Configuration c = Settings.parse(Map.of("spark.scratchnet.learningRate", "0.005",
                "spark.scratchnet.weightInit", "std:0.02", "spark.scratchnet.seed", "-7",
                "spark.scratchnet.lrSchedule", "Cosine:5:0.05", "spark.scratchnet.warmupSteps", "20"));
        assertEquals("cosine:5:0.05", c.effective().get("spark.scratchnet.lrSchedule"));
        assertEquals(c.effective(), Settings.parse(c.effective()).effective());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "spark.scratchnet.batchSize | -5 | spark.scratchnet.batchSize: out of range, got '-5'",
            "spark.scratchnet.batchSize | ten | spark.scratchnet.batchSize: not an integer, got 'ten'",
            "spark.scratchnet.batchSize | 10.5 | spark.scratchnet.batchSize: not an integer, got '10.5'",
            "spark.scratchnet.partitions | 0 | spark.scratchnet.partitions: out of range, got '0' (valid: auto or 1 .. 100000)",
            "spark.scratchnet.partitions | 100001 | spark.scratchnet.partitions: out of range, got '100001' (valid: auto or 1 .. 100000)",
            "spark.scratchnet.treeDepth | 11 | spark.scratchnet.treeDepth: out of range, got '11' (valid: 1 .. 10)",
            "spark.scratchnet.treeDepth | 0 | spark.scratchnet.treeDepth: out of range",
            "spark.scratchnet.seed | 18446744073709551616 | spark.scratchnet.seed: out of range (beyond 64 bits), got '18446744073709551616' (valid: a 64-bit integer)",
            "spark.scratchnet.optimizer | rmsprop | spark.scratchnet.optimizer: unknown optimizer, got 'rmsprop' (valid: sgd | gd | momentum | adagrad | adam | l-bfgs)",
            "spark.scratchnet.precision | half | spark.scratchnet.precision: unknown precision, got 'half' (valid: double | single)",
            "spark.scratchnet.hidden | abc | spark.scratchnet.hidden: not a comma list of integers, got 'abc'",
            "spark.scratchnet.hidden | 100,,50 | spark.scratchnet.hidden: not a comma list of integers",
            "spark.scratchnet.hidden | 0 | spark.scratchnet.hidden: out of range, got '0'",
            "spark.scratchnet.activation | tanh | spark.scratchnet.activation: unknown activation",
            "spark.scratchnet.learningRate | 0 | spark.scratchnet.learningRate: must be > 0",
            "spark.scratchnet.learningRate | NaN | spark.scratchnet.learningRate: not a finite number",
            "spark.scratchnet.targetAccuracy | 1.5 | spark.scratchnet.targetAccuracy: must be 0 (off) or in (0, 1]",
            "spark.scratchnet.evalTrain | yes | spark.scratchnet.evalTrain: not true or false",
            "spark.scratchnet.weightInit | -0.1 | spark.scratchnet.weightInit: not auto, he, xavier or a positive std",
            "spark.scratchnet.network | affine:10,tanh,affine | spark.scratchnet.network: layer 2 ('tanh'): unknown layer 'tanh'",
            "spark.scratchnet.dropout | 1 | spark.scratchnet.dropout: must be in [0, 1)",
            "spark.scratchnet.regParam | -1 | spark.scratchnet.regParam: must be ≥ 0",
            "spark.scratchnet.patience | -1 | spark.scratchnet.patience: out of range",
            "spark.scratchnet.monitor | auc | spark.scratchnet.monitor: unknown monitor, got 'auc' (valid: loss | accuracy)",
            "spark.scratchnet.task | ranking | spark.scratchnet.task: unknown task",
            "spark.scratchnet.inputShape | 28y28 | spark.scratchnet.inputShape: not C x H x W",
            "spark.scratchnet.momentum | 1 | spark.scratchnet.momentum: must be in [0, 1)",
            "spark.scratchnet.lrSchedule | cosine | spark.scratchnet.lrSchedule: cosine needs cosine:<epochs> or cosine:<epochs>:<floor>, got 'cosine' (valid: constant | step:<every epochs>:<factor> | cosine:<epochs>[:<floor>])",
            "spark.scratchnet.warmupSteps | -1 | spark.scratchnet.warmupSteps: out of range, got '-1' (valid: 0 (none) or steps ≥ 1)",
            "spark.scratchnet.out | '' | spark.scratchnet.out: must not be empty",
            "spark.scratchnet.batchsize | 100 | spark.scratchnet.batchsize: unknown setting (did you mean spark.scratchnet.batchSize?)",
            "spark.scratchnet.colour | red | spark.scratchnet.colour: unknown setting (known: data.format, data.dir, data.train,"})
    void badValuesFailWithOneLineNamingTheKey(String key, String value, String message) {
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Settings.parse(Map.of(key, value)));
        assertTrue(e.getMessage().startsWith(message), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void keysAndParamNamesAreUniqueAndTheTablesListEverySetting() {
        Set<String> keys = new HashSet<>();
        Set<String> params = new HashSet<>();
        String tables = Settings.markdownTables();
        for (Setting<?> s : Settings.ALL) {
            assertTrue(keys.add(s.key()), "duplicate key " + s.key());
            assertTrue(params.add(s.paramName()), "duplicate param name " + s.paramName());
            assertTrue(tables.contains("| `" + s.key() + "` |"), s.key());
            assertTrue(s.paramName().matches("[a-zA-Z][a-zA-Z0-9]*"), s.paramName());
        }
    }
}
