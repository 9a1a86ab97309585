package dev.scratchnet.data;

import static dev.scratchnet.data.IdxFiles.gzip;
import static dev.scratchnet.data.IdxFiles.idx;
import static dev.scratchnet.data.IdxFiles.images;
import static dev.scratchnet.data.IdxFiles.labels;
import static dev.scratchnet.data.IdxFiles.ramp;
import static dev.scratchnet.data.IdxFiles.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.testing.Permissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

class IdxReaderTest {
    @TempDir
    Path tmp;

    private final byte[] pixels = ramp(3 * 4 * 5, 200); // crosses 255 -> 0, so unsigned handling shows

    @Test
    void readsRawImagesExactly() {
        Path f = write(tmp.resolve("imgs-idx3-ubyte"), images(3, 4, 5, pixels));
        IdxReader.IdxImages img = IdxReader.readImages(f);
        assertEquals(3, img.count());
        assertEquals(4, img.rows());
        assertEquals(5, img.cols());
        assertArrayEquals(pixels, img.pixels());
    }

    @Test
    void readsGzipImagesByMagicNotByName() {
        Path named = write(tmp.resolve("imgs-idx3-ubyte.gz"), gzip(images(3, 4, 5, pixels)));
        Path unnamed = write(tmp.resolve("imgs-idx3-ubyte"), gzip(images(3, 4, 5, pixels)));
        assertArrayEquals(pixels, IdxReader.readImages(named).pixels());
        assertArrayEquals(pixels, IdxReader.readImages(unnamed).pixels());
    }

    @Test
    void readsRawAndGzipLabels() {
        byte[] lab = {5, 0, 4, 1, 9, (byte) 255};
        assertArrayEquals(lab, IdxReader.readLabels(write(tmp.resolve("l"), labels(lab))));
        assertArrayEquals(lab, IdxReader.readLabels(write(tmp.resolve("l.gz"), gzip(labels(lab)))));
    }

    @Test
    void readsLargeGzipAcrossBufferGrowth() {
        byte[] big = ramp(300 * 28 * 28 * 30, 7); // > 4 MiB: the compressed path grows its buffer twice
        Path f = write(tmp.resolve("big.gz"), gzip(images(300 * 30, 28, 28, big)));
        assertArrayEquals(big, IdxReader.readImages(f).pixels());
    }

    @Test
    void readsEmptyImageSet() {
        Path f = write(tmp.resolve("empty"), images(0, 28, 28, new byte[0]));
        assertEquals(0, IdxReader.readImages(f).pixels().length);
    }

    @Test
    void missingFile() {
        Path f = tmp.resolve("nope-idx3-ubyte");
        assertFails(() -> IdxReader.readImages(f), f, "file not found");
    }

    @Test
    void badMagic() {
        byte[] content = images(3, 4, 5, pixels);
        content[0] = 'P';
        content[1] = 'K';
        Path f = write(tmp.resolve("zip"), content);
        assertFails(() -> IdxReader.readImages(f), f, "not an IDX file (magic starts 0x50 0x4b");
    }

    @Test
    void tooShortForAHeader() {
        Path f = write(tmp.resolve("tiny"), new byte[] {0, 0});
        assertFails(() -> IdxReader.readLabels(f), f, "not an IDX file (only 2 bytes");
    }

    @Test
    void wrongElementType() {
        Path f = write(tmp.resolve("floats"), idx(0x0D, new int[] {1}, new byte[4]));
        assertFails(() -> IdxReader.readLabels(f), f, "unsupported IDX element type 0x0d (float)");
    }

    @Test
    void wrongDimensionCount() {
        Path imgs = write(tmp.resolve("imgs"), images(3, 4, 5, pixels));
        Path labs = write(tmp.resolve("labs"), labels(new byte[] {1, 2, 3}));
        assertFails(() -> IdxReader.readLabels(imgs), imgs, "expected 1 for labels, found 3");
        assertFails(() -> IdxReader.readImages(labs), labs, "expected 3 for images, found 1");
    }

    @Test
    void negativeDimension() {
        Path f = write(tmp.resolve("neg"), idx(0x08, new int[] {3, -4, 5}, pixels));
        assertFails(() -> IdxReader.readImages(f), f, "negative dimension -4");
    }

    @Test
    void absurdDimensions() {
        Path f = write(tmp.resolve("huge"), idx(0x08, new int[] {60000, 28000, 28}, pixels));
        assertFails(() -> IdxReader.readImages(f), f, "absurd dimensions");
    }

    @Test
    void truncatedData() {
        byte[] full = images(3, 4, 5, pixels);
        byte[] cut = Arrays.copyOf(full, full.length - 7);
        Path raw = write(tmp.resolve("cut"), cut);
        Path gz = write(tmp.resolve("cut.gz"), gzip(cut));
        assertFails(() -> IdxReader.readImages(raw), raw, "truncated data: expected 60 bytes of data, found 53");
        assertFails(() -> IdxReader.readImages(gz), gz, "truncated data: expected 60 bytes of data, found 53");
    }

    @Test
    void truncatedHeader() {
        byte[] cut = Arrays.copyOf(images(3, 4, 5, pixels), 10);
        Path f = write(tmp.resolve("cut-header"), cut);
        assertFails(() -> IdxReader.readImages(f), f, "truncated header");
    }

    @Test
    void trailingData() {
        byte[] full = images(3, 4, 5, pixels);
        byte[] longer = Arrays.copyOf(full, full.length + 3);
        Path raw = write(tmp.resolve("long"), longer);
        Path gz = write(tmp.resolve("long.gz"), gzip(longer));
        assertFails(() -> IdxReader.readImages(raw), raw, "trailing data: file is longer than its header says");
        assertFails(() -> IdxReader.readImages(raw), raw, "3 extra bytes");
        assertFails(() -> IdxReader.readImages(gz), gz, "trailing data");
    }

    @Test
    void corruptGzip() {
        byte[] gz = gzip(images(3, 4, 5, pixels));
        Path cut = write(tmp.resolve("cut.gz"), Arrays.copyOf(gz, gz.length / 2));
        byte[] scrambled = gz.clone();
        for (int i = 10; i < gz.length - 8; i++) {
            scrambled[i] ^= 0x5A;
        }
        Path bad = write(tmp.resolve("bad.gz"), scrambled);
        byte[] badCrc = gz.clone();
        badCrc[gz.length - 8] ^= 1;
        Path crc = write(tmp.resolve("crc.gz"), badCrc);
        assertFails(() -> IdxReader.readImages(cut), cut, "corrupt gzip stream");
        assertFails(() -> IdxReader.readImages(bad), bad, "corrupt gzip stream");
        assertFails(() -> IdxReader.readImages(crc), crc, "corrupt gzip stream");
    }

    /**
     * A gzip stream corrupted mid-way can inflate to more bytes than the header says, or to a garbled
     * header; its CRC-32 trailer then fails. That is a corrupt gzip, not "trailing data" or a bad header.
     * Made here by giving a valid deflate stream the trailer (CRC-32, length) of the content it should have had.
     */
    @Test
    void gzipCorruptedMidStreamIsACorruptGzipNotTrailingDataOrABadHeader() {
        byte[] meant = images(3, 4, 5, pixels);
        byte[] longer = gzip(Arrays.copyOf(meant, meant.length + 3));
        Path extra = write(tmp.resolve("extra.gz"), withTrailerOf(longer, meant));
        assertFails(() -> IdxReader.readImages(extra), extra, "corrupt gzip stream");

        byte[] garbledHeader = meant.clone();
        garbledHeader[3] = 13;
        Path header = write(tmp.resolve("header.gz"), withTrailerOf(gzip(garbledHeader), meant));
        assertFails(() -> IdxReader.readImages(header), header, "corrupt gzip stream");
    }

    @Test
    void everySingleByteCorruptionOfAGzipIsReportedAsSuch() {
        byte[] meant = images(30, 28, 28, ramp(30 * 28 * 28, 0));
        byte[] gz = gzip(meant);
        Path f = tmp.resolve("flipped.gz");
        for (int i = 10; i < gz.length; i++) {
            byte[] flipped = gz.clone();
            flipped[i] ^= 0x55;
            write(f, flipped);
            try {
                assertArrayEquals(Arrays.copyOfRange(meant, 16, meant.length), IdxReader.readImages(f).pixels(),
                        "a corruption that reads without error must not change the data (byte " + i + ")");
            } catch (ScratchnetException e) {
                assertTrue(e.getMessage().contains("corrupt gzip stream"), "byte " + i + ": " + e.getMessage());
            }
        }
    }

    /** {@code gz} with its last 8 bytes replaced by the CRC-32 and length of {@code content}. */
    private static byte[] withTrailerOf(byte[] gz, byte[] content) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(content);
        byte[] out = gz.clone();
        java.nio.ByteBuffer.wrap(out, out.length - 8, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt((int) crc.getValue()).putInt(content.length);
        return out;
    }

    @Test
    void unreadableFileSaysPermissionDenied() {
        Permissions.assumeEnforced(tmp);
        Path raw = write(tmp.resolve("locked"), images(3, 4, 5, pixels));
        Path gz = write(tmp.resolve("locked.gz"), gzip(images(3, 4, 5, pixels)));
        Permissions.set(raw, "---------");
        Permissions.set(gz, "---------");
        assertFails(() -> IdxReader.readImages(raw), raw, "permission denied");
        assertFails(() -> IdxReader.readImages(gz), gz, "permission denied");
    }

    /** The message is one line, names the file and states the problem. */
    static void assertFails(Executable call, Path file, String problem) {
        ScratchnetException e = assertThrows(ScratchnetException.class, call);
        String m = e.getMessage();
        assertTrue(m.contains(file.toString()), () -> "message does not name " + file + ": " + m);
        assertTrue(m.contains(problem), () -> "message does not say '" + problem + "': " + m);
        assertFalse(m.contains("\n") || m.contains("\r"), () -> "message is not one line: " + m);
    }
}
