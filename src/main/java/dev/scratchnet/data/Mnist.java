package dev.scratchnet.data;

import dev.scratchnet.ScratchnetException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Loads MNIST (the book's {@code dataset/mnist.py}) from the four original IDX files in one folder.
 *
 * <p>Each file may be raw ({@code train-images-idx3-ubyte}), gzip-compressed ({@code ...-ubyte.gz}) or use
 * the common dotted spelling ({@code train-images.idx3-ubyte}). Images become {@link ImageSet}s of unsigned
 * bytes with 10 classes; scaling to {@code [0, 1]} happens later, in {@link ImageSet#copyScaled}.
 */
public final class Mnist {
    /** MNIST's number of classes, the digits 0..9. */
    public static final int CLASSES = 10;
    /** The raw file names, in the order train images, train labels, test images, test labels. */
    public static final List<String> FILES = List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
            "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte");

    /**
     * The standard split: 60,000 training and 10,000 test images for MNIST.
     *
     * @param train the training set
     * @param test  the test set
     */
    public record Split(ImageSet train, ImageSet test) {
    }

    private Mnist() {
    }

    /**
     * Loads the training and test sets from {@code dir}.
     *
     * @throws ScratchnetException if the folder or a file is missing, a file is not valid IDX, image and label
     *                             counts disagree, a label is outside 0..9, or train and test image sizes differ
     */
    public static Split load(Path dir) {
        if (!Files.exists(dir)) {
            throw new ScratchnetException("MNIST data folder " + dir
                    + " does not exist; run the fetch first (./submit.sh fetch-data)");
        }
        if (!Files.isDirectory(dir)) {
            throw new ScratchnetException("MNIST data folder " + dir + " is not a directory; run the fetch"
                    + " into a folder (./submit.sh fetch-data)");
        }
        Path trainImages = find(dir, FILES.get(0));
        Path testImages = find(dir, FILES.get(2));
        ImageSet train = loadPair(trainImages, find(dir, FILES.get(1)), CLASSES);
        ImageSet test = loadPair(testImages, find(dir, FILES.get(3)), CLASSES);
        checkSameSize(testImages, test.rows(), test.cols(), trainImages, train.rows(), train.cols());
        return new Split(train, test);
    }

    /**
     * Loads one IDX classification set: an image file ({@code count × rows × cols}) and its label file
     * ({@code count} labels in {@code [0, classes)}), each raw or gzip-compressed.
     *
     * @throws ScratchnetException naming the file(s) if either is unreadable, the counts disagree or a label
     *                             is out of range
     */
    public static ImageSet loadPair(Path images, Path labels, int classes) {
        if (classes < 1 || classes > 256) {
            throw new ScratchnetException(labels + ": classes must be in 1..256 for byte labels, got " + classes);
        }
        IdxReader.IdxImages img = IdxReader.readImages(images);
        byte[] lab = IdxReader.readLabels(labels);
        if (img.count() != lab.length) {
            throw new ScratchnetException("image count and label count differ: " + images + " has "
                    + img.count() + " images, " + labels + " has " + lab.length + " labels");
        }
        if (img.rows() == 0 || img.cols() == 0) {
            throw new ScratchnetException(images + ": images are " + img.rows() + "x" + img.cols()
                    + ", expected at least 1x1");
        }
        Labels.checkIdx(lab, 1, classes, labels);
        return ImageSet.of(img.pixels(), lab, img.rows(), img.cols(), classes);
    }

    /**
     * Refuses test images of another size than the training images (the network's input is the training
     * images' size), naming both files and both sizes.
     */
    public static void checkSameSize(Object testImages, int testRows, int testCols, Object trainImages, int trainRows,
                                     int trainCols) {
        if (testRows != trainRows || testCols != trainCols) {
            throw new ScratchnetException(testImages + ": " + testRows + "x" + testCols + " test images, but "
                    + trainImages + " has " + trainRows + "x" + trainCols + " training images");
        }
    }

    /** The first existing spelling of {@code name} in {@code dir}: raw, {@code .gz}, dotted, dotted {@code .gz}. */
    private static Path find(Path dir, String name) {
        String dotted = name.replaceFirst("-idx", ".idx");
        for (String candidate : List.of(name, name + ".gz", dotted, dotted + ".gz")) {
            Path p = dir.resolve(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new ScratchnetException(dir.resolve(name) + ": MNIST file missing (also looked for " + name
                + ".gz and " + dotted + "[.gz]); run the fetch (./submit.sh fetch-data)");
    }
}
