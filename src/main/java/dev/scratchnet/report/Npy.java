package dev.scratchnet.report;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One array in NPY format 1.0, as {@link Npz} archives hold them: the magic {@code \x93NUMPY}, version bytes 1 0, a
 * little-endian uint16 header length, the header dict padded to a multiple of 64 bytes, then the elements as
 * little-endian float64 in C order. Reads float64 and float32 (widened), C order, NPY versions 1.0, 2.0 and 3.0, and
 * checks every size the header claims against the entry's.
 */
final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int PREAMBLE_ALIGNMENT = 64;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final Pattern DESCR = Pattern.compile("['\"]descr['\"]\\s*:\\s*['\"]([^'\"]*)['\"]");
    private static final Pattern FORTRAN = Pattern.compile("['\"]fortran_order['\"]\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("['\"]shape['\"]\\s*:\\s*\\(([^)]*)\\)");

    private Npy() {}

    /** One complete {@code .npy} file: preamble then little-endian float64 data. */
    static byte[] bytes(NdArray array) {
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

    /** {@code entrySize}: the entry's uncompressed size from the zip, -1 when unknown. */
    static NdArray read(Path file, String entryName, long entrySize, InputStream raw) throws IOException {
        DataInputStream in = new DataInputStream(raw);
        String where = ": entry '" + entryName + "'";
        byte[] magic = new byte[MAGIC.length];
        if (in.readNBytes(magic, 0, magic.length) < magic.length || !Arrays.equals(magic, MAGIC)) {
            throw Npz.fail(file, where + " is not NPY data (bad magic, expected \\x93NUMPY)");
        }
        int major = in.read();
        int minor = in.read();
        if (minor < 0) {
            throw Npz.fail(file, where + " ends inside the NPY preamble");
        }
        int headerLength;
        try {
            if (major == 1) {
                headerLength = Short.toUnsignedInt(Short.reverseBytes(in.readShort()));
            } else if (major == 2 || major == 3) {
                headerLength = Integer.reverseBytes(in.readInt());
                if (headerLength < 0 || headerLength > 1 << 20) {
                    throw Npz.fail(file, where + " has an implausible NPY header length " + headerLength);
                }
            } else {
                throw Npz.fail(file, where + " has unsupported NPY version " + major + "." + minor
                        + " (1.0, 2.0 and 3.0 are read)");
            }
        } catch (EOFException e) {
            throw Npz.fail(file, where + " ends inside the NPY preamble", e);
        }
        byte[] headerBytes = in.readNBytes(headerLength);
        if (headerBytes.length < headerLength) {
            throw Npz.fail(file, where + " ends inside the NPY header");
        }
        String header = new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);

        String descr = group(DESCR, header, file, where, "descr");
        int itemBytes;
        if (descr.equals("<f8")) {
            itemBytes = 8;
        } else if (descr.equals("<f4")) {
            itemBytes = 4;
        } else {
            throw Npz.fail(file, where + " has unsupported dtype '" + descr + "' (only '<f8' and '<f4' are read)");
        }
        if (group(FORTRAN, header, file, where, "fortran_order").equals("True")) {
            throw Npz.fail(file, where + " is in Fortran order, which is not supported (save it C-contiguous)");
        }
        int[] shape = parseShape(group(SHAPE, header, file, where, "shape"), file, where);
        long size = 1;
        for (int dim : shape) {
            size *= dim;
            if (size > Integer.MAX_VALUE - 8) {
                throw Npz.fail(file, where + " has shape " + Arrays.toString(shape) + ", too large to read");
            }
        }
        if (entrySize >= 0) {
            long preambleBytes = MAGIC.length + 2 + (major == 1 ? 2 : 4) + headerLength;
            long have = entrySize - preambleBytes;
            long needed = size * itemBytes;
            if (have < needed) {
                throw Npz.fail(file, where + " has " + Math.max(have, 0) + " data bytes but shape "
                        + Arrays.toString(shape) + " needs " + needed);
            }
            if (have > needed) {
                throw Npz.fail(file, where + " has trailing data after the " + size + " elements of its shape "
                        + Arrays.toString(shape) + " (" + (have - needed) + " bytes)");
            }
        }
        double[] data = readData(in, (int) size, itemBytes, file, where, shape);
        if (in.read() != -1) {
            throw Npz.fail(file, where + " has trailing data after the " + size + " elements of its shape "
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
                throw Npz.fail(file, where + " has " + have + " data bytes but shape "
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
                throw Npz.fail(file, where + " has an unreadable shape (" + dims.strip() + ")");
            }
        }
        return shape.stream().mapToInt(Integer::intValue).toArray();
    }

    private static String group(Pattern pattern, String header, Path file, String where, String key) {
        Matcher m = pattern.matcher(header);
        if (!m.find()) {
            throw Npz.fail(file, where + " has no '" + key + "' in its NPY header");
        }
        return m.group(1);
    }
}
