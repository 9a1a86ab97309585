package dev.scratchnet.data;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.report.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads IDX files of unsigned bytes (the MNIST format), raw or gzip-compressed.
 *
 * <p>IDX is big-endian: two zero bytes, the element type ({@code 0x08} = unsigned byte, the only type read
 * here), the number of dimensions, one int32 size per dimension, then the data in row-major order. Gzip is
 * recognised by its magic bytes {@code 0x1f 0x8b}, whatever the file is called. Every problem is reported
 * as a one-line {@link ScratchnetException} naming the file: missing file, bad magic, unsupported element
 * type, wrong number of dimensions, negative or oversized dimensions, truncated or trailing data, corrupt
 * gzip stream (also when the corruption first shows as a bad header or extra data), permission denied.
 */
public final class IdxReader {
    private static final int BUFFER = 1 << 16;
    /** The largest array the JVM reliably allocates. */
    private static final long MAX_DATA = Integer.MAX_VALUE - 8;

    /**
     * The contents of an image IDX file: {@code count × rows × cols} unsigned bytes, row-major.
     *
     * @param count  number of images
     * @param rows   image height
     * @param cols   image width
     * @param pixels {@code count * rows * cols} bytes; image {@code i} starts at {@code i * rows * cols}
     */
    public record IdxImages(int count, int rows, int cols, byte[] pixels) {
    }

    private IdxReader() {
    }

    /** Reads a 3-dimensional unsigned-byte IDX file (images). */
    public static IdxImages readImages(Path file) {
        Idx idx = read(file, 3, "images");
        return new IdxImages(idx.dims[0], idx.dims[1], idx.dims[2], idx.data);
    }

    /** Reads a 1-dimensional unsigned-byte IDX file (labels); each byte is one label. */
    public static byte[] readLabels(Path file) {
        return read(file, 1, "labels").data;
    }

    private record Idx(int[] dims, byte[] data) {
    }

    private static Idx read(Path file, int expectedDims, String what) {
        if (!Files.exists(file)) {
            throw fail(file, "file not found");
        }
        if (!Files.isRegularFile(file)) {
            throw fail(file, "not a regular file");
        }
        boolean gzip = false;
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), BUFFER)) {
            raw.mark(2);
            gzip = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            InputStream in = gzip ? new BufferedInputStream(new GZIPInputStream(raw, BUFFER), BUFFER) : raw;
            long rawSize = gzip ? -1 : Files.size(file);
            try {
                return parse(file, in, expectedDims, what, rawSize);
            } catch (ScratchnetException e) {
                // The gzip trailer's CRC-32 is checked only at the end of the stream, after the header and
                // the data were parsed: a stream corrupted mid-way first shows up as a bad header or as
                // trailing data. Read it to the end, and report the corruption when there is one.
                String corruption = gzip ? gzipCorruption(in) : null;
                if (corruption != null) {
                    throw fail(file, "corrupt gzip stream (" + corruption + ")", e);
                }
                throw e;
            }
        } catch (ScratchnetException e) {
            throw e;
        } catch (AccessDeniedException e) {
            throw fail(file, "permission denied", e);
        } catch (ZipException | EOFException e) {
            if (gzip) {
                throw fail(file, "corrupt gzip stream (" + AtomicFiles.oneLine(e) + ")", e);
            }
            throw fail(file, "could not read (" + AtomicFiles.oneLine(e) + ")", e);
        } catch (IOException e) {
            throw fail(file, (gzip ? "corrupt gzip stream (" : "could not read (") + AtomicFiles.oneLine(e) + ")", e);
        }
    }

    /** Reads {@code in} to its end: null when the gzip stream ends cleanly, else what is wrong with it. */
    private static String gzipCorruption(InputStream in) {
        byte[] sink = new byte[BUFFER];
        try {
            while (in.read(sink) >= 0) {
                // only the trailer check at the end matters
            }
            return null;
        } catch (IOException e) {
            return AtomicFiles.oneLine(e);
        }
    }

    /** {@code rawSize} is the file's length when it is not compressed, else -1. */
    private static Idx parse(Path file, InputStream in, int expectedDims, String what, long rawSize)
            throws IOException {
        Header header = readHeader(in, file.toString(), expectedDims, what);
        int[] dims = header.dims();
        int n = (int) header.dataBytes();
        long headerBytes = header.headerBytes();
        if (rawSize >= 0) {
            // Uncompressed: the file length tells us everything before we allocate anything.
            long found = rawSize - headerBytes;
            if (found < n) {
                throw truncated(file, n, found);
            }
            if (found > n) {
                throw trailing(file, n, found - n + " extra bytes");
            }
        }
        byte[] data;
        if (rawSize >= 0) {
            data = new byte[n];
            int got = in.readNBytes(data, 0, n);
            if (got < n) {
                throw truncated(file, n, got);
            }
        } else {
            data = readGrowing(file, in, n);
        }
        if (in.read() != -1) {
            throw trailing(file, n, "more follow");
        }
        return new Idx(dims, data);
    }

    /**
     * The header of an unsigned-byte IDX file: its dimension sizes and how many bytes the header takes.
     *
     * @param dims        the dimension sizes, e.g. {@code [60000, 28, 28]}
     * @param headerBytes bytes before the data: 4 + 4 per dimension
     */
    public record Header(int[] dims, int headerBytes) implements java.io.Serializable {
        /** Bytes of data the header announces: the product of the dimensions. */
        public long dataBytes() {
            long total = 1;
            for (int d : dims) {
                total *= d;
            }
            return total;
        }
    }

    /**
     * Reads and checks an IDX header from {@code in} (positioned at the start of the file, decompressed):
     * magic, element type (unsigned byte only), number of dimensions, dimension sizes.
     *
     * @param file names the file in errors
     * @throws ScratchnetException naming {@code file} and what is wrong
     */
    public static Header readHeader(InputStream in, String file, int expectedDims, String what) throws IOException {
        byte[] magic = in.readNBytes(4);
        if (magic.length < 4) {
            throw fail(file, "not an IDX file (only " + magic.length + " bytes, the header alone needs 4)");
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw fail(file, String.format("not an IDX file (magic starts 0x%02x 0x%02x, expected 0x00 0x00)",
                    magic[0] & 0xFF, magic[1] & 0xFF));
        }
        int type = magic[2] & 0xFF;
        if (type != 0x08) {
            throw fail(file, String.format("unsupported IDX element type 0x%02x (%s), only 0x08 (unsigned byte)"
                    + " is supported", type, typeName(type)));
        }
        int ndims = magic[3] & 0xFF;
        if (ndims != expectedDims) {
            throw fail(file, "wrong number of dimensions: expected " + expectedDims + " for " + what
                    + ", found " + ndims);
        }
        byte[] header = in.readNBytes(4 * ndims);
        if (header.length < 4 * ndims) {
            throw fail(file, "truncated header: expected " + ndims + " dimension sizes ("
                    + 4 * ndims + " bytes), found " + header.length + " bytes");
        }
        int[] dims = new int[ndims];
        long total = 1;
        StringBuilder shape = new StringBuilder();
        for (int d = 0; d < ndims; d++) {
            int i = 4 * d;
            dims[d] = ((header[i] & 0xFF) << 24) | ((header[i + 1] & 0xFF) << 16)
                    | ((header[i + 2] & 0xFF) << 8) | (header[i + 3] & 0xFF);
            shape.append(d == 0 ? "" : "x").append(dims[d]);
            if (dims[d] < 0) {
                throw fail(file, "negative dimension " + dims[d] + " in header (dimensions " + shape + ")");
            }
            total *= dims[d];
            if (total > MAX_DATA) {
                throw fail(file, "absurd dimensions in header: " + shape + "... holds more than "
                        + MAX_DATA + " bytes");
            }
        }
        return new Header(dims, 4 + 4 * ndims);
    }

    /**
     * Reads exactly {@code n} bytes without trusting the header with one big allocation up front: the
     * buffer doubles as data actually arrives, so a corrupt header cannot make us allocate gigabytes.
     */
    private static byte[] readGrowing(Path file, InputStream in, int n) throws IOException {
        byte[] data = new byte[Math.min(n, 1 << 22)];
        int got = 0;
        while (true) {
            int r = in.readNBytes(data, got, data.length - got);
            got += r;
            if (got < data.length) {
                throw truncated(file, n, got);
            }
            if (got == n) {
                return data;
            }
            data = Arrays.copyOf(data, (int) Math.min(n, 2L * data.length));
        }
    }

    /** {@code <file>: truncated data: expected … bytes of data, found …}. */
    public static ScratchnetException truncated(Object file, long expected, long found) {
        return fail(file, "truncated data: expected " + expected + " bytes of data, found " + found);
    }

    /** {@code <file>: trailing data: file is longer than its header says (…)}. */
    public static ScratchnetException trailing(Object file, long expected, String extra) {
        return fail(file, "trailing data: file is longer than its header says (" + expected
                + " bytes of data expected, " + extra + ")");
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed byte";
            case 0x0B -> "short";
            case 0x0C -> "int";
            case 0x0D -> "float";
            case 0x0E -> "double";
            default -> "unknown";
        };
    }

    private static ScratchnetException fail(Object file, String problem) {
        return new ScratchnetException(file + ": " + problem);
    }

    private static ScratchnetException fail(Path file, String problem, Throwable cause) {
        return new ScratchnetException(file + ": " + problem, cause);
    }
}
