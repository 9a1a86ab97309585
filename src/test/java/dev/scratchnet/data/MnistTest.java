package dev.scratchnet.data;

import static dev.scratchnet.data.IdxFiles.gzip;
import static dev.scratchnet.data.IdxFiles.images;
import static dev.scratchnet.data.IdxFiles.labels;
import static dev.scratchnet.data.IdxFiles.ramp;
import static dev.scratchnet.data.IdxFiles.write;
import static dev.scratchnet.data.IdxReaderTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Mnist.load on tiny synthetic folders: 3x2 images, 4 train and 2 test examples. */
class MnistTest {
    @TempDir
    Path dir;

    private void writeSet(String trainImages, String trainLabels, String testImages, String testLabels) {
        write(dir.resolve(trainImages), images(4, 3, 2, ramp(24, 0)));
        write(dir.resolve(trainLabels), labels(new byte[] {5, 0, 4, 1}));
        write(dir.resolve(testImages), images(2, 3, 2, ramp(12, 100)));
        write(dir.resolve(testLabels), labels(new byte[] {7, 2}));
    }

    @Test
    void loadsRawFiles() {
        writeSet("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
        Mnist.Split s = Mnist.load(dir);
        assertEquals(4, s.train().size());
        assertEquals(2, s.test().size());
        assertEquals(6, s.train().features());
        assertEquals(10, s.train().classes());
        assertArrayEquals(new int[] {5, 0, 4, 1}, s.train().labelArray(new int[] {0, 1, 2, 3}));
        assertArrayEquals(ramp(12, 100), s.test().pixels());
    }

    @Test
    void acceptsGzipAndDottedNames() {
        write(dir.resolve("train-images-idx3-ubyte.gz"), gzip(images(4, 3, 2, ramp(24, 0))));
        write(dir.resolve("train-labels.idx1-ubyte"), labels(new byte[] {5, 0, 4, 1}));
        write(dir.resolve("t10k-images.idx3-ubyte.gz"), gzip(images(2, 3, 2, ramp(12, 100))));
        write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(new byte[] {7, 2})));
        Mnist.Split s = Mnist.load(dir);
        assertArrayEquals(ramp(24, 0), s.train().pixels());
        assertArrayEquals(new int[] {7, 2}, s.test().labelArray(new int[] {0, 1}));
    }

    @Test
    void missingFolder() {
        Path missing = dir.resolve("mnist");
        assertFails(() -> Mnist.load(missing), missing, "does not exist; run the fetch");
    }

    @Test
    void folderIsAFile() throws IOException {
        Path file = Files.writeString(dir.resolve("mnist"), "not a folder");
        assertFails(() -> Mnist.load(file), file, "is not a directory");
    }

    @Test
    void missingFile() {
        writeSet("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "unused");
        assertFails(() -> Mnist.load(dir), dir.resolve("t10k-labels-idx1-ubyte"), "MNIST file missing");
    }

    @Test
    void imageAndLabelCountsDiffer() {
        writeSet("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
        Path trainLabels = write(dir.resolve("train-labels-idx1-ubyte"), labels(new byte[] {5, 0, 4}));
        Path trainImages = dir.resolve("train-images-idx3-ubyte");
        assertFails(() -> Mnist.load(dir), trainImages, "has 4 images, " + trainLabels + " has 3 labels");
    }

    @Test
    void labelOutOfRange() {
        writeSet("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
        Path testLabels = write(dir.resolve("t10k-labels-idx1-ubyte"), labels(new byte[] {7, (byte) 200}));
        assertFails(() -> Mnist.load(dir), testLabels, ": record 2: label 200 is outside 0 … 9 (10 classes)");
    }

    @Test
    void trainAndTestImageSizesDiffer() {
        writeSet("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
                "t10k-labels-idx1-ubyte");
        Path test = write(dir.resolve("t10k-images-idx3-ubyte"), images(2, 2, 3, ramp(12, 100)));
        assertFails(() -> Mnist.load(dir), test, ": 2x3 test images, but " + dir.resolve("train-images-idx3-ubyte")
                + " has 3x2 training images");
    }

    @Test
    void loadPairReadsOtherClassificationSets() {
        Path imgs = write(dir.resolve("letters-images.gz"), gzip(images(2, 1, 3, ramp(6, 250))));
        Path labs = write(dir.resolve("letters-labels.gz"), gzip(labels(new byte[] {25, 0})));
        ImageSet d = Mnist.loadPair(imgs, labs, 26);
        assertEquals(26, d.classes());
        assertEquals(25, d.label(0));
        assertFails(() -> Mnist.loadPair(imgs, labs, 10), labs, ": record 1: label 25 is outside 0 … 9 (10 classes)");
    }
}
