package dev.scratchnet.spark;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.data.IdxReader;
import dev.scratchnet.data.Labels;
import dev.scratchnet.data.Mnist;
import dev.scratchnet.partition.ExampleBlock;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.security.AccessControlException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.SerializableConfiguration;

/**
 * An IDX images file and its labels file (MNIST's format, raw or gzip-compressed), read where they live
 * ({@code file:}, {@code hdfs://}, {@code s3a://}, any Hadoop file system) by the executors: after a header,
 * an IDX file is fixed-size records, so partition {@code p} reads just its range of images and labels. The
 * driver reads the two headers and nothing else. A raw file is read from its offset; a gzip file has no
 * offsets, so each partition decompresses from the start and skips to its range.
 */
final class IdxSource {
    private IdxSource() {}

    /** Where an IDX file is and what its header says. */
    private record Idx(String file, boolean gzip, IdxReader.Header header) implements java.io.Serializable {
        long offset(long record, long recordBytes) {
            return header.headerBytes() + record * recordBytes;
        }
    }

    /** The images and labels as {@code parts} cached blocks of contiguous records. */
    static CachedBlocks cache(JavaSparkContext sc, String images, String labels, int parts, String name) {
        SerializableConfiguration hadoop = new SerializableConfiguration(sc.hadoopConfiguration());
        Idx img = open(hadoop, images, 3, "images");
        Idx lab = open(hadoop, labels, 1, "labels");
        int n = img.header.dims()[0];
        if (lab.header.dims()[0] != n) {
            throw new ScratchnetException("image count and label count differ: " + img.file + " has " + n
                    + " images, " + lab.file + " has " + lab.header.dims()[0] + " labels");
        }
        int features = img.header.dims()[1] * img.header.dims()[2];
        if (features == 0) {
            throw new ScratchnetException(img.file + ": images are " + img.header.dims()[1] + "x"
                    + img.header.dims()[2] + ", expected at least 1x1");
        }
        Broadcast<SerializableConfiguration> conf = sc.broadcast(hadoop);
        List<int[]> ranges = ExampleBlock.ranges(n, Math.max(1, Math.min(parts, n)));
        JavaRDD<ExampleBlock> blocks = sc.parallelize(ranges, ranges.size()).mapPartitionsWithIndex((p, it) -> {
            int[] range = it.next();
            int count = range[1] - range[0];
            boolean last = range[1] == n;
            byte[] pixels = read(conf.value(), img, img.offset(range[0], features), (long) count * features, last);
            byte[] labelBytes = read(conf.value(), lab, lab.offset(range[0], 1), count, last);
            Labels.checkIdx(labelBytes, range[0] + 1L, Mnist.CLASSES, lab.file);
            double[] l = new double[count];
            for (int i = 0; i < count; i++) {
                l[i] = labelBytes[i] & 0xFF;
            }
            return List.of(ExampleBlock.ofBytes(p, count, features, pixels, ExampleBlock.PIXELS, l, null)).iterator();
        }, true);
        return CachedBlocks.cache(blocks, name, img.file, () -> conf.destroy());
    }

    /**
     * What the headers of an images file and its labels file say, read on the driver before Spark starts (a
     * {@code [count, features]} pair): enough to check settings against the data before anything is cached.
     */
    static int[] peek(org.apache.hadoop.conf.Configuration conf, String images, String labels) {
        SerializableConfiguration hadoop = new SerializableConfiguration(conf);
        Idx img = open(hadoop, images, 3, "images");
        Idx lab = open(hadoop, labels, 1, "labels");
        if (lab.header.dims()[0] != img.header.dims()[0]) {
            throw new ScratchnetException("image count and label count differ: " + img.file + " has "
                    + img.header.dims()[0] + " images, " + lab.file + " has " + lab.header.dims()[0] + " labels");
        }
        return new int[] {img.header.dims()[0], img.header.dims()[1] * img.header.dims()[2]};
    }

    /**
     * Refuses test images of another size than the training images, from the two headers (before anything is
     * read or cached); returns the number of training images.
     */
    static int checkSameSize(org.apache.hadoop.conf.Configuration conf, String testImages, String trainImages) {
        SerializableConfiguration hadoop = new SerializableConfiguration(conf);
        Idx train = open(hadoop, trainImages, 3, "images");
        Idx test = open(hadoop, testImages, 3, "images");
        Mnist.checkSameSize(test.file, test.header.dims()[1], test.header.dims()[2], train.file,
                train.header.dims()[1], train.header.dims()[2]);
        return train.header.dims()[0];
    }

    /** The {@code {rows, columns}} of an images file's images, from its header (read on the driver). */
    static int[] imageSize(org.apache.hadoop.conf.Configuration conf, String images) {
        Idx img = open(new SerializableConfiguration(conf), images, 3, "images");
        return new int[] {img.header.dims()[1], img.header.dims()[2]};
    }

    /** Reads the header on the driver; for a raw file also checks that its length is what the header says. */
    private static Idx open(SerializableConfiguration hadoop, String file, int dims, String what) {
        try {
            Path path = new Path(file);
            FileSystem fs = path.getFileSystem(hadoop.value());
            Path qualified = fs.makeQualified(path);
            String name = qualified.toString();
            if (!fs.exists(qualified)) {
                throw new ScratchnetException(name + ": file not found");
            }
            boolean gzip;
            IdxReader.Header header;
            try (InputStream raw = new BufferedInputStream(fs.open(qualified), 1 << 16)) {
                raw.mark(2);
                gzip = raw.read() == 0x1f && raw.read() == 0x8b;
                raw.reset();
                try {
                    header = IdxReader.readHeader(gzip ? new GZIPInputStream(raw) : raw, name, dims, what);
                } catch (EOFException e) {
                    throw gzip ? new ZipException("ends early: " + e.getMessage()) : e;
                }
            }
            if (!gzip) {
                long found = fs.getFileStatus(qualified).getLen() - header.headerBytes();
                if (found < header.dataBytes()) {
                    throw IdxReader.truncated(name, header.dataBytes(), found);
                }
                if (found > header.dataBytes()) {
                    throw IdxReader.trailing(name, header.dataBytes(), found - header.dataBytes() + " extra bytes");
                }
            }
            return new Idx(name, gzip, header);
        } catch (IOException e) {
            throw failure(file, e);
        }
    }

    /** {@code length} bytes from {@code offset} (of the decompressed content); the last range also checks the end. */
    private static byte[] read(SerializableConfiguration hadoop, Idx idx, long offset, long length, boolean last) {
        try {
            Path path = new Path(idx.file);
            FileSystem fs = path.getFileSystem(hadoop.value());
            byte[] data = new byte[Math.toIntExact(length)];
            if (idx.gzip) {
                try (InputStream in = new GZIPInputStream(fs.open(path), 1 << 16)) {
                    in.skipNBytes(offset);
                    int got = in.readNBytes(data, 0, data.length);
                    if (got < data.length) {
                        throw IdxReader.truncated(idx.file, idx.header.dataBytes(), offset - idx.header.headerBytes() + got);
                    }
                    if (last && in.read() != -1) {
                        throw IdxReader.trailing(idx.file, idx.header.dataBytes(), "more follow");
                    }
                }
            } else {
                try (var in = fs.open(path)) {
                    in.readFully(offset, data);
                }
            }
            return data;
        } catch (EOFException e) {
            if (idx.gzip) {
                throw failure(idx.file, new ZipException("ends early: " + e.getMessage()));
            }
            throw IdxReader.truncated(idx.file, idx.header.dataBytes(), -1);
        } catch (IOException e) {
            throw failure(idx.file, e);
        }
    }

    private static ScratchnetException failure(String file, IOException e) {
        if (e instanceof ZipException) {
            return new ScratchnetException(file + ": corrupt gzip stream (" + e.getMessage() + ")", e);
        }
        if (e instanceof AccessControlException || e instanceof java.nio.file.AccessDeniedException) {
            return new ScratchnetException(file + ": permission denied", e);
        }
        if (e instanceof FileNotFoundException) {
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException unknown) {
                host = "this host";
            }
            return new ScratchnetException(file + ": not found on " + host + " (on a cluster, keep the data where "
                    + "every worker sees it: hdfs://, s3a://, or a shared mount)", e);
        }
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return new ScratchnetException(file + ": cannot read (" + why + ")", e);
    }
}
