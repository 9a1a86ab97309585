package dev.scratchnet.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.testing.CraftedFiles;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NpzTest {
    @TempDir
    Path dir;

    /** W1 (784, 50), b1 (50,), m (2, 3): the two-layer net's first layer plus a small readable matrix. */
    private static LinkedHashMap<String, NdArray> sample() {
        Random random = new Random(42);
        double[] w1 = new double[784 * 50];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = 0.01 * random.nextGaussian();
        }
        double[] b1 = new double[50];
        for (int i = 0; i < b1.length; i++) {
            b1[i] = i - 25.5;
        }
        LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("W1", NdArray.matrix(784, 50, w1));
        arrays.put("b1", NdArray.vector(b1));
        arrays.put("m", NdArray.matrix(2, 3, new double[] {1, 2, 3, -4.5, Double.MIN_VALUE, 1e300}));
        return arrays;
    }

    @Test
    void roundTripKeepsOrderShapesAndBits() {
        Path file = dir.resolve("params.npz");
        LinkedHashMap<String, NdArray> arrays = sample();
        Npz.write(file, arrays);
        LinkedHashMap<String, NdArray> back = Npz.read(file);
        assertEquals(List.of("W1", "b1", "m"), List.copyOf(back.keySet()));
        assertArrayEquals(new int[] {784, 50}, back.get("W1").shape());
        assertArrayEquals(new int[] {50}, back.get("b1").shape());
        assertArrayEquals(new int[] {2, 3}, back.get("m").shape());
        assertEquals(arrays, back);
    }

    @Test
    void bigArrayRoundTrips() {
        Path file = dir.resolve("big.npz");
        double[] data = new double[784 * 1000];
        Arrays.setAll(data, i -> i * 0.5);
        LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
        arrays.put("W1", NdArray.matrix(784, 1000, data));
        Npz.write(file, arrays);
        assertEquals(arrays, Npz.read(file));
    }

    @Test
    void preambleIsPaddedTo64BytesAndEndsInNewline() {
        for (int[] shape : new int[][] {{}, {50}, {784, 50}, {1000000, 1000000}, {1, 2, 3, 4, 5, 6, 7, 8}}) {
            byte[] preamble = Npy.preamble(shape);
            assertEquals(0, preamble.length % 64, Arrays.toString(shape));
            assertEquals('\n', preamble[preamble.length - 1]);
            int headerLength = (preamble[8] & 0xff) | (preamble[9] & 0xff) << 8;
            assertEquals(preamble.length - 10, headerLength);
        }
        byte[] preamble = Npy.preamble(new int[] {50});
        String header = new String(preamble, 10, preamble.length - 10, StandardCharsets.US_ASCII);
        assertTrue(header.startsWith("{'descr': '<f8', 'fortran_order': False, 'shape': (50,), }"), header);
    }

    @Test
    void numpyLoadsTheSameValues() throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with numpy is not installed");
        Path file = dir.resolve("params.npz");
        LinkedHashMap<String, NdArray> arrays = sample();
        Npz.write(file, arrays);
        // numpy prints, per array: name, shape, dtype, C order, and the exact bits of the first and last element.
        String script = String.join("\n",
                "import sys, numpy as np",
                "with np.load(sys.argv[1]) as z:",
                "    for k in z.files:",
                "        a = z[k]",
                "        print(k, a.shape, a.dtype, a.flags['C_CONTIGUOUS'], a.ravel()[0].hex(), a.ravel()[-1].hex())");
        String out = run("python3", "-c", script, file.toString());
        StringBuilder expected = new StringBuilder();
        for (var e : arrays.entrySet()) {
            double[] d = e.getValue().data();
            expected.append(e.getKey()).append(' ').append(pythonShape(e.getValue().shape()))
                    .append(" float64 True ").append(hex(d[0])).append(' ').append(hex(d[d.length - 1])).append('\n');
        }
        assertEquals(expected.toString(), out);
        // and every element, bit for bit, of the small matrix
        String m = run("python3", "-c",
                "import sys, numpy as np; print(' '.join(x.hex() for x in np.load(sys.argv[1])['m'].ravel()))",
                file.toString());
        StringBuilder mHex = new StringBuilder();
        for (double v : arrays.get("m").data()) {
            mHex.append(mHex.length() == 0 ? "" : " ").append(hex(v));
        }
        assertEquals(mHex.toString(), m.strip());
    }

    @Test
    void readsWhatNumpySaves() throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with numpy is not installed");
        Path file = dir.resolve("from_numpy.npz");
        run("python3", "-c", "import sys, numpy as np; np.savez(sys.argv[1], "
                + "W=np.arange(6.0).reshape(2, 3), b=np.array([0.5, -1.5], dtype=np.float32), s=np.float64(7))",
                file.toString());
        LinkedHashMap<String, NdArray> arrays = Npz.read(file);
        assertEquals(NdArray.matrix(2, 3, new double[] {0, 1, 2, 3, 4, 5}), arrays.get("W"));
        assertEquals(NdArray.vector(new double[] {0.5, -1.5}), arrays.get("b"));
        assertEquals(new NdArray(new int[0], new double[] {7}), arrays.get("s"));
    }

    @Test
    void membersRoundTripAndAreRefusedWhereNotExpected() {
        Path file = dir.resolve("model.npz");
        byte[] description = "{\"hidden\": [50]}\n".getBytes(StandardCharsets.UTF_8);
        Npz.write(file, sample(), java.util.Map.of("network.json", description));
        Npz.Archive archive = Npz.read(file, java.util.Set.of("network.json"));
        assertEquals(sample(), archive.arrays());
        assertArrayEquals(description, archive.members().get("network.json"));
        assertOneLineError(file, "entry 'network.json' is not a .npy array");
    }

    /** Entries carry a fixed time stamp, not the clock's: the same model is the same bytes (and SHA-256). */
    @Test
    void sameArraysGiveTheSameBytes() throws Exception {
        Npz.write(dir.resolve("a.npz"), sample());
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(dir.resolve("a.npz").toFile())) {
            zip.stream().forEach(e -> assertEquals(java.time.LocalDateTime.of(1980, 1, 1, 0, 0), e.getTimeLocal()));
        }
        Npz.write(dir.resolve("b.npz"), sample());
        assertArrayEquals(Files.readAllBytes(dir.resolve("a.npz")), Files.readAllBytes(dir.resolve("b.npz")));
    }

    @Test
    void numpyLoadsArraysAndReturnsAMemberAsBytes() throws Exception {
        Assumptions.assumeTrue(numpyAvailable(), "python3 with numpy is not installed");
        Path file = dir.resolve("model.npz");
        Npz.write(file, sample(), java.util.Map.of("network.json", "{\"a\": 1}\n".getBytes(StandardCharsets.UTF_8)));
        String out = run("python3", "-c", String.join("\n",
                "import sys, json, numpy as np",
                "with np.load(sys.argv[1]) as z:",
                "    print(sorted(z.files), z['W1'].shape, json.loads(z['network.json'])['a'])"), file.toString());
        assertEquals("['W1', 'b1', 'm', 'network.json'] (784, 50) 1", out.strip());
    }

    @Test
    void nonFiniteValuesAreCountedAndNamed() {
        Path file = dir.resolve("w.npz");
        LinkedHashMap<String, NdArray> arrays = sample();
        Npz.requireFinite(file, arrays);
        double[] b1 = arrays.get("b1").data();
        b1[3] = Double.NaN;
        b1[7] = Double.NEGATIVE_INFINITY;
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Npz.requireFinite(file, arrays));
        assertEquals(file + ": b1 holds 2 non-finite values (NaN or Inf)", e.getMessage());
    }

    @Test
    void textFileIsNotAnNpz() throws IOException {
        Path file = Files.writeString(dir.resolve("params.npz"), "W1,b1\n0.1,0.2\n");
        assertOneLineError(file, "is not an NPZ file (not a zip archive)");
    }

    @Test
    void missingFileIsReported() {
        assertOneLineError(dir.resolve("nope.npz"), "does not exist");
    }

    @Test
    void truncatedZipIsReported() throws IOException {
        Path whole = dir.resolve("whole.npz");
        Npz.write(whole, sample());
        byte[] bytes = Files.readAllBytes(whole);
        Path half = Files.write(dir.resolve("half.npz"), Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLineError(half, "is truncated or corrupt");
    }

    @Test
    void flippedDataBitFailsTheCrcCheck() throws IOException {
        Path whole = dir.resolve("whole.npz");
        Npz.write(whole, sample());
        byte[] bytes = Files.readAllBytes(whole);
        bytes[1000] ^= 1; // inside W1's data: the zip structure stays valid
        Path flipped = Files.write(dir.resolve("flipped.npz"), bytes);
        assertOneLineError(flipped, "is corrupt: entry 'W1.npy' fails its CRC-32 check");
    }

    @Test
    void wrongDtypeIsReported() throws IOException {
        byte[] npy = npy("{'descr': '<i8', 'fortran_order': False, 'shape': (2,), }", 16);
        Path file = zipWith("x.npy", npy);
        assertOneLineError(file, "entry 'x.npy' has unsupported dtype '<i8'");
    }

    @Test
    void bigEndianIsReportedAsUnsupportedDtype() throws IOException {
        Path file = zipWith("x.npy", npy("{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }", 16));
        assertOneLineError(file, "unsupported dtype '>f8'");
    }

    @Test
    void float32IsWidened() throws IOException {
        byte[] npy = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", 0);
        ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.25f).putFloat(-3f);
        byte[] all = Arrays.copyOf(npy, npy.length + 8);
        System.arraycopy(data.array(), 0, all, npy.length, 8);
        assertEquals(NdArray.vector(new double[] {0.25, -3}), Npz.read(zipWith("x.npy", all)).get("x"));
    }

    @Test
    void wrongMagicIsReported() throws IOException {
        byte[] npy = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
        npy[1] = 'X';
        assertOneLineError(zipWith("x.npy", npy), "entry 'x.npy' is not NPY data (bad magic");
    }

    @Test
    void unsupportedVersionIsReported() throws IOException {
        byte[] npy = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 16);
        npy[6] = 9;
        assertOneLineError(zipWith("x.npy", npy), "unsupported NPY version 9.0");
    }

    @Test
    void fortranOrderIsReported() throws IOException {
        byte[] npy = npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 1), }", 16);
        assertOneLineError(zipWith("x.npy", npy), "Fortran order");
    }

    @Test
    void tooLittleDataIsReported() throws IOException {
        byte[] npy = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }", 16);
        assertOneLineError(zipWith("x.npy", npy), "has 16 data bytes but shape [3] needs 24");
    }

    @Test
    void trailingDataIsReported() throws IOException {
        byte[] npy = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", 17);
        assertOneLineError(zipWith("x.npy", npy), "trailing data");
    }

    /**
     * A header that claims a shape far bigger than its entry: the reader must compare the claim with the
     * entry's size before it allocates (16 GB here, an OutOfMemoryError instead of one line).
     */
    @Test
    void headerClaimingMoreThanTheEntryHoldsFailsBeforeAllocating() throws IOException {
        Path file = CraftedFiles.hugeClaimNpz(dir.resolve("crafted.npz"));
        assertOneLineError(file, "has 0 data bytes but shape [2000000000] needs 16000000000");
    }

    /** The same claim with a central directory that lies about the entry's size too. */
    @Test
    void entrySizeLargerThanTheFileIsRefused() throws IOException {
        Path file = CraftedFiles.hugeClaimNpz(dir.resolve("crafted.npz"));
        byte[] bytes = Files.readAllBytes(file);
        // Central directory record: signature PK 1 2, compressed size at +20, uncompressed size at +24.
        int cen = indexOf(bytes, new byte[] {'P', 'K', 1, 2});
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(cen + 20, 64 + 16_000_000).putInt(cen + 24, 64 + 16_000_000);
        Files.write(file, bytes);
        assertOneLineError(file, "more than the whole file");
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("pattern not found");
    }

    @Test
    void entryThatIsNotNpyIsReported() throws IOException {
        assertOneLineError(zipWith("README.txt", "hello".getBytes(StandardCharsets.UTF_8)),
                "entry 'README.txt' is not a .npy array");
    }

    @Test
    void shapeAndDataMustAgree() {
        assertThrows(IllegalArgumentException.class, () -> NdArray.matrix(2, 3, new double[5]));
    }

    private void assertOneLineError(Path file, String expected) {
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> Npz.read(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
    }

    private static byte[] npy(String dict, int dataBytes) {
        return CraftedFiles.npy(dict, dataBytes);
    }

    private Path zipWith(String entryName, byte[] content) throws IOException {
        Path file = dir.resolve("crafted.npz");
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(entryName));
            zip.write(content);
            zip.closeEntry();
        }
        return file;
    }

    private static String pythonShape(int[] shape) {
        if (shape.length == 1) {
            return "(" + shape[0] + ",)";
        }
        StringBuilder s = new StringBuilder("(");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        return s.append(')').toString();
    }

    /** Python's float.hex() spelling of a double. */
    private static String hex(double v) {
        if (v == 0) {
            return (1 / v < 0 ? "-" : "") + "0x0.0p+0";
        }
        String java = Double.toHexString(v); // e.g. 0x1.8p1, 0x0.0000000000001p-1022
        int p = java.indexOf('p');
        String mantissa = java.substring(0, p);
        String exponent = java.substring(p + 1);
        int dot = mantissa.indexOf('.');
        String frac = mantissa.substring(dot + 1);
        boolean negative = mantissa.startsWith("-");
        String lead = mantissa.substring(negative ? 3 : 2, dot);
        frac = (frac + "0000000000000").substring(0, 13);
        int e = Integer.parseInt(exponent);
        return (negative ? "-" : "") + "0x" + lead + "." + frac + "p" + (e >= 0 ? "+" : "") + e;
    }

    static boolean numpyAvailable() {
        try {
            Process p = new ProcessBuilder("python3", "-c", "import numpy").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "python3 timed out");
        assertEquals(0, p.exitValue(), out);
        return out;
    }
}
