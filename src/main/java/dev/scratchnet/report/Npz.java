package dev.scratchnet.report;

import dev.scratchnet.ScratchnetException;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npz} format: a zip archive of {@code NAME.npy} entries, what {@code numpy.savez} writes
 * and {@code numpy.load} reads. Weights saved here open in the book's Python code as
 * {@code np.load("params.npz")["W1"]}.
 *
 * <p>Each entry is NPY format 1.0: the magic {@code \x93NUMPY}, version bytes 1 0, a little-endian uint16
 * header length, a Python dict literal {@code {'descr': '<f8', 'fortran_order': False, 'shape': (784, 50), }}
 * padded with spaces and a final newline so that the preamble is a multiple of 64 bytes, then the
 * elements as little-endian float64 in C order. Entries are STORED (uncompressed), as {@code numpy.savez}
 * does.
 *
 * <p>The reader accepts float64 ({@code '<f8'}) and float32 ({@code '<f4'}, widened to double), C order,
 * NPY versions 1.0, 2.0 and 3.0; anything else fails with a one-line {@link ScratchnetException}.
 */
public final class Npz {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE_ALIGNMENT = 64;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npz() {
    }

    /**
     * Writes {@code arrays} to {@code file} atomically, one {@code NAME.npy} entry per array, in map order.
     *
     * @throws ScratchnetException when a name is unusable or the file cannot be written
     */
    public static void write(Path file, LinkedHashMap<String, NdArray> arrays) {
        for (String name : arrays.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                throw new ScratchnetException("cannot write " + file + ": array name '" + name
                        + "' must be non-empty and contain no slash");
            }
        }
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
                byte[] npy = npyBytes(e.getValue());
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setMethod(ZipEntry.STORED);
                entry.setSize(npy.length);
                entry.setCompressedSize(npy.length);
                CRC32 crc = new CRC32();
                crc.update(npy);
                entry.setCrc(crc.getValue());
                zip.putNextEntry(entry);
                zip.write(npy);
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** One complete {@code .npy} file: preamble then little-endian float64 data. */
    private static byte[] npyBytes(NdArray array) {
        byte[] preamble = preamble(array.shape());
        ByteBuffer buffer = ByteBuffer.allocate(preamble.length + 8 * array.size()).order(ByteOrder.LITTLE_ENDIAN);
        buffer.put(preamble);
        buffer.asDoubleBuffer().put(array.data());
        return buffer.array();
    }

    /** Magic, version 1.0, header length and the padded header dict; its length is a multiple of 64. */
    static byte[] preamble(int[] shape) {
        StringBuilder dims = new StringBuilder();
        for (int i = 0; i < shape.length; i++) {
            dims.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            dims.append(',');
        }
        StringBuilder header = new StringBuilder(
                "{'descr': '<f8', 'fortran_order': False, 'shape': (" + dims + "), }");
        int fixed = MAGIC.length + 2 + 2;
        while ((fixed + header.length() + 1) % PREAMBLE_ALIGNMENT != 0) {
            header.append(' ');
        }
        header.append('\n');
        byte[] headerBytes = header.toString().getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = ByteBuffer.allocate(fixed + headerBytes.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) headerBytes.length).put(headerBytes);
        return b.array();
    }

    /**
     * Reads every array of {@code file}, in archive order, keyed by entry name without {@code .npy}.
     *
     * @throws ScratchnetException naming the file and the problem: missing, not a zip, truncated, an entry
     *                             that is not a supported {@code .npy}, a size that does not match the shape
     */
    public static LinkedHashMap<String, NdArray> read(Path file) {
        checkLooksLikeZip(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String entryName = entry.getName();
                if (entry.isDirectory() || !entryName.endsWith(".npy")) {
                    throw fail(file, ": entry '" + entryName + "' is not a .npy array");
                }
                String name = entryName.substring(0, entryName.length() - ".npy".length());
                if (arrays.containsKey(name)) {
                    throw fail(file, ": entry '" + entryName + "' appears twice");
                }
                // ZipFile checks no CRC for STORED entries (Python's zipfile does): check it here.
                CRC32 crc = new CRC32();
                try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
                    arrays.put(name, readNpy(file, entryName, in));
                }
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw fail(file, " is corrupt: entry '" + entryName + "' fails its CRC-32 check");
                }
            }
            return arrays;
        } catch (ZipException e) {
            throw fail(file, " is truncated or corrupt (zip error: " + AtomicFiles.oneLine(e) + ")", e);
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
        }
    }

    /** A zip starts with a local file header (or, when empty, the end record): PK 3 4 or PK 5 6. */
    private static void checkLooksLikeZip(Path file) {
        byte[] head = new byte[4];
        int n;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
        } catch (NoSuchFileException e) {
            throw new ScratchnetException(file + " does not exist", e);
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
        }
        boolean zip = n == 4 && head[0] == 'P' && head[1] == 'K'
                && ((head[2] == 3 && head[3] == 4) || (head[2] == 5 && head[3] == 6));
        if (!zip) {
            throw fail(file, " is not an NPZ file (not a zip archive)");
        }
    }

    private static NdArray readNpy(Path file, String entryName, InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        String where = ": entry '" + entryName + "'";
        byte[] magic = new byte[MAGIC.length];
        if (in.readNBytes(magic, 0, magic.length) < magic.length || !Arrays.equals(magic, MAGIC)) {
            throw fail(file, where + " is not NPY data (bad magic, expected \\x93NUMPY)");
        }
        int major = in.read();
        int minor = in.read();
        if (minor < 0) {
            throw fail(file, where + " ends inside the NPY preamble");
        }
        int headerLength;
        try {
            if (major == 1) {
                headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                headerLength = Integer.reverseBytes(in.readInt());
                if (headerLength < 0 || headerLength > 1 << 20) {
                    throw fail(file, where + " has an implausible NPY header length " + headerLength);
                }
            } else {
                throw fail(file, where + " has unsupported NPY version " + major + "." + minor
                        + " (1.0, 2.0 and 3.0 are read)");
            }
        } catch (EOFException e) {
            throw fail(file, where + " ends inside the NPY preamble", e);
        }
        byte[] headerBytes = in.readNBytes(headerLength);
        if (headerBytes.length < headerLength) {
            throw fail(file, where + " ends inside the NPY header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        String descr = group(DESCR, header, file, where, "descr");
        int itemBytes;
        if (descr.equals("<f8")) {
            itemBytes = 8;
        } else if (descr.equals("<f4")) {
            itemBytes = 4;
        } else {
            throw fail(file, where + " has unsupported dtype '" + descr + "' (only '<f8' and '<f4' are read)");
        }
        if (group(FORTRAN, header, file, where, "fortran_order").equals("True")) {
            throw fail(file, where + " is in Fortran order, which is not supported (save it C-contiguous)");
        }
        int[] shape = parseShape(group(SHAPE, header, file, where, "shape"), file, where);
        long size = 1;
        for (int dim : shape) {
            size *= dim;
            if (size > Integer.MAX_VALUE - 8) {
                throw fail(file, where + " has shape " + Arrays.toString(shape) + ", too large to read");
            }
        }
        double[] data = readData(in, (int) size, itemBytes, file, where, shape);
        if (in.read() != -1) {
            throw fail(file, where + " has trailing data after the " + size + " elements of its shape "
                    + Arrays.toString(shape));
        }
        return new NdArray(shape, data);
    }

    /** Reads {@code size} little-endian elements in fixed-size chunks, so big arrays need no second copy. */
    private static double[] readData(InputStream in, int size, int itemBytes, Path file, String where, int[] shape)
            throws IOException {
        double[] data = new double[size];
        byte[] chunk = new byte[CHUNK_BYTES];
        ByteBuffer view = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
        int perChunk = CHUNK_BYTES / itemBytes;
        int done = 0;
        while (done < size) {
            int count = Math.min(perChunk, size - done);
            int got = in.readNBytes(chunk, 0, count * itemBytes);
            if (got < count * itemBytes) {
                long have = (long) done * itemBytes + got;
                throw fail(file, where + " has " + have + " data bytes but shape "
                        + Arrays.toString(shape) + " needs " + (long) size * itemBytes);
            }
            if (itemBytes == 8) {
                view.clear();
                view.asDoubleBuffer().get(data, done, count);
            } else {
                for (int i = 0; i < count; i++) {
                    data[done + i] = view.getFloat(4 * i);
                }
            }
            done += count;
        }
        return data;
    }

    private static int[] parseShape(String dims, Path file, String where) {
        List<Integer> shape = new ArrayList<>();
        for (String part : dims.split(",")) {
            String dim = part.strip();
            if (dim.endsWith("L")) {
                dim = dim.substring(0, dim.length() - 1); // Python 2 longs
            }
            if (dim.isEmpty()) {
                continue;
            }
            try {
                int value = Integer.parseInt(dim);
                if (value < 0) {
                    throw new NumberFormatException();
                }
                shape.add(value);
            } catch (NumberFormatException e) {
                throw fail(file, where + " has an unreadable shape (" + dims.strip() + ")");
            }
        }
        return shape.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String group(Pattern pattern, String header, Path file, String where, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw fail(file, where + " has no '" + key + "' in its NPY header");
        }
        return m.group(1);
    }

    private static ScratchnetException fail(Path file, String what) {
        return new ScratchnetException(file + what);
    }

    private static ScratchnetException fail(Path file, String what, Throwable cause) {
        return new ScratchnetException(file + what, cause);
    }
}
