package dev.scratchnet.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vectors;
import org.junit.jupiter.api.Test;

/**
 * Spark Connect finds third-party estimators and models through {@code ServiceLoader} (its {@code MLUtils}), which
 * also insists on a public no-arg constructor: the four classes are registered, load, and a model made that way
 * says in one line that it holds no network.
 */
class ConnectRegistryTest {
    @Test
    void estimatorsAndModelsAreRegisteredForSparkConnect() {
        List<String> estimators = ServiceLoader.load(Estimator.class).stream().map(p -> p.type().getName())
                .filter(n -> n.startsWith("dev.scratchnet")).sorted().toList();
        assertEquals(List.of("dev.scratchnet.ml.ScratchnetClassifier", "dev.scratchnet.ml.ScratchnetRegressor"),
                estimators);
        List<String> models = ServiceLoader.load(Transformer.class).stream().map(p -> p.type().getName())
                .filter(n -> n.startsWith("dev.scratchnet")).sorted().toList();
        assertEquals(List.of("dev.scratchnet.ml.ScratchnetClassificationModel",
                "dev.scratchnet.ml.ScratchnetRegressionModel"), models);
        // Connect builds an estimator from its name and uid, as a Python client sends them.
        for (String name : estimators) {
            Estimator<?> e = ServiceLoader.load(Estimator.class).stream().filter(p -> p.type().getName().equals(name))
                    .findFirst().orElseThrow().get();
            assertTrue(e.uid().startsWith("scratchnet"), e.uid());
        }
    }

    @Test
    void aModelFromTheNoArgConstructorSaysItHoldsNoNetwork() {
        ScratchnetClassificationModel c = new ScratchnetClassificationModel();
        ScratchnetRegressionModel r = new ScratchnetRegressionModel();
        assertFalse(c.hasSummary());
        assertFalse(c.uid().equals(new ScratchnetClassificationModel().uid()));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> c.predictRaw(Vectors.dense(1, 2)));
        assertEquals("this ScratchnetClassificationModel holds no network (made by the no-argument constructor, for "
                + "Spark Connect's registry): fit or load a model", e.getMessage());
        assertThrows(IllegalStateException.class, () -> r.predict(Vectors.dense(1, 2)));
        assertThrows(IllegalStateException.class, r::numFeatures);
    }
}
