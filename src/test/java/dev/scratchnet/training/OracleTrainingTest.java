package dev.scratchnet.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.network.NetworkSettings;
import dev.scratchnet.network.NetworkSpec;
import dev.scratchnet.optim.Optimizer;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.run.RunOutputs;
import dev.scratchnet.run.TrainingRun;
import dev.scratchnet.testing.Book;
import dev.scratchnet.testing.TestData;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The book's run, in one JVM without Spark (the oracle), on the full MNIST. */
class OracleTrainingTest {

    @Test
    @Tag("slow")
    void booksTwoLayerNetReaches97PercentTestAccuracy() {
        Mnist.Split data = TestData.mnist();
        Configuration book = Settings.parse(Book.settings("progressSeconds", "0"));
        NetworkSpec spec = NetworkSettings.spec(book, 784, 10);
        assertEquals("784-50-10 relu", spec.describe());
        LocalEngine engine = LocalEngine.of(spec, data.train(), data.test(), book);
        TrainingState state = new TrainingRun(book, spec, RunOutputs.checkpointsOnly(null, book, spec), System.out)
                .startingState(engine);
        Trainer.Result result = new Trainer(book, spec, engine, System.out, Trainer.NO_LISTENER).run(state);
        assertEquals(10000, result.steps());
        assertEquals(17, result.metrics().size(), "16 epochs of 600 steps and a last partial one of 400");
        assertTrue(result.last().testAccuracy() >= 0.97, "test accuracy " + result.last().testAccuracy());
        assertTrue(result.last().trainAccuracy() >= 0.97, "train accuracy " + result.last().trainAccuracy());
    }

    @Test
    void scheduleIsAPermutationPerEpochFixedBySeedAndEpoch() {
        MinibatchSchedule a = new MinibatchSchedule(1000, 300, 5);
        assertEquals(3, a.stepsPerEpoch());
        boolean[] seen = new boolean[1000];
        for (int i : a.permutation(4)) {
            assertTrue(!seen[i]);
            seen[i] = true;
        }
        MinibatchSchedule b = new MinibatchSchedule(1000, 300, 5);
        b.permutation(9);
        assertEquals(java.util.Arrays.toString(a.batch(4, 2)), java.util.Arrays.toString(b.batch(4, 2)));
        assertTrue(!java.util.Arrays.equals(a.batch(4, 2), a.batch(5, 2)), "epochs differ");
        assertTrue(!java.util.Arrays.equals(a.batch(4, 2), new MinibatchSchedule(1000, 300, 6).batch(4, 2)), "seeds differ");
    }

    @Test
    void aScheduleShippedToAnExecutorDrawsTheSameBatches() throws Exception {
        MinibatchSchedule a = new MinibatchSchedule(1000, 300, 5);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(a);
        }
        MinibatchSchedule shipped;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (MinibatchSchedule) in.readObject();
        }
        assertEquals(java.util.Arrays.toString(a.batch(0, 1)), java.util.Arrays.toString(shipped.batch(0, 1)),
                "epoch 0 after deserialization (its cache fields are transient)");
    }

    @Test
    void optimizersFollowTheBook() {
        double[] p = {1.0};
        new Optimizer.Sgd(0.1).update(p, new double[] {2.0});
        assertEquals(0.8, p[0], 1e-15);

        Optimizer momentum = Optimizer.Kind.MOMENTUM.create(0.1, 0.9, 1);
        p[0] = 1.0;
        momentum.update(p, new double[] {1.0}); // v = -0.1
        momentum.update(p, new double[] {1.0}); // v = 0.9 * -0.1 - 0.1 = -0.19
        assertEquals(1.0 - 0.1 - 0.19, p[0], 1e-15);

        Optimizer adagrad = Optimizer.Kind.ADAGRAD.create(0.1, 0.9, 1);
        p[0] = 1.0;
        adagrad.update(p, new double[] {2.0});
        assertEquals(1.0 - 0.1 * 2.0 / (2.0 + 1e-7), p[0], 1e-15);

        Optimizer adam = Optimizer.Kind.ADAM.create(0.001, 0.9, 1);
        p[0] = 1.0;
        adam.update(p, new double[] {0.5});
        // First Adam step moves by about lr whatever the gradient's scale.
        assertEquals(1.0 - 0.001, p[0], 1e-8);
        Optimizer restored = Optimizer.Kind.ADAM.create(0.001, 0.9, 1);
        restored.restore(adam.state());
        double[] q = p.clone();
        adam.update(p, new double[] {0.3});
        restored.update(q, new double[] {0.3});
        assertEquals(p[0], q[0], 0.0, "state round-trips exactly");
    }
}
