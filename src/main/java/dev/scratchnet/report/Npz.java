package dev.scratchnet.report;

import dev.scratchnet.ScratchnetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

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
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * <p>Each entry is NPY format 1.0 ({@link Npy}): the magic {@code \x93NUMPY}, version bytes 1 0, a little-endian uint16
 * header length, a Python dict literal {@code {'descr': '<f8', 'fortran_order': False, 'shape': (784, 50), }}
 * padded with spaces and a final newline so that the preamble is a multiple of 64 bytes, then the
 * elements as little-endian float64 in C order. Entries are STORED (uncompressed), as {@code numpy.savez}
 * does.
 *
 * <p>The reader accepts float64 ({@code '<f8'}) and float32 ({@code '<f4'}, widened to double), C order,
 * NPY versions 1.0, 2.0 and 3.0; anything else fails with a one-line {@link ScratchnetException}. It trusts
 * no size it reads: what an NPY header claims is checked against its zip entry's size, and that size
 * against the file's, before any array is allocated.
 *
 * <p>An archive may also carry named members that are not arrays (a model's network description):
 * {@code numpy.load} returns such a member as raw bytes.
 */
public final class Npz {
    /** Members that are not arrays are descriptions, never data: anything bigger is not ours. */
    private static final int MAX_MEMBER_BYTES = 1 << 20;
    /** Deflate cannot expand data more than about 1032-fold: a larger claimed size is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1032;
    /** Every entry gets the same time stamp (zip's earliest, as numpy's), so equal content means equal bytes. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private Npz() {
    }

    /**
     * Writes {@code arrays} to {@code file} atomically, one {@code NAME.npy} entry per array, in map order.
     *
     * @throws ScratchnetException when a name is unusable or the file cannot be written
     */
    public static void write(Path file, LinkedHashMap<String, NdArray> arrays) {
        write(file, arrays, Map.of());
    }

    /**
     * Writes {@code arrays} as {@link #write(Path, LinkedHashMap)} does, then each of {@code members} as an
     * entry of that exact name holding those bytes (at most 1 MiB each), all in one atomic write.
     *
     * @throws ScratchnetException when a name is unusable or the file cannot be written
     */
    public static void write(Path file, LinkedHashMap<String, NdArray> arrays, Map<String, byte[]> members) {
        for (String name : arrays.keySet()) {
            if (name.isEmpty() || name.contains("/") || name.contains("\\")) {
                throw new ScratchnetException("cannot write " + file + ": array name '" + name
                        + "' must be non-empty and contain no slash");
            }
        }
        for (Map.Entry<String, byte[]> m : members.entrySet()) {
            String name = m.getKey();
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.endsWith(".npy")
                    || m.getValue().length > MAX_MEMBER_BYTES) {
                throw new ScratchnetException("cannot write " + file + ": member '" + name
                        + "' must have a name without slash or .npy and at most " + MAX_MEMBER_BYTES + " bytes");
            }
        }
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
                putStored(zip, e.getKey() + ".npy", Npy.bytes(e.getValue()));
            }
            for (Map.Entry<String, byte[]> m : members.entrySet()) {
                putStored(zip, m.getKey(), m.getValue());
            }
            zip.finish();
        });
    }

    private static void putStored(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setTimeLocal(ENTRY_TIME);
        entry.setSize(content.length);
        entry.setCompressedSize(content.length);
        CRC32 crc = new CRC32();
        crc.update(content);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    /**
     * What an archive holds: its arrays in archive order, keyed by entry name without {@code .npy}, and
     * the members asked for that are not arrays, as raw bytes.
     *
     * @param arrays  the {@code .npy} entries
     * @param members the other entries, by exact name
     */
    public record Archive(LinkedHashMap<String, NdArray> arrays, Map<String, byte[]> members) {}

    /**
     * Reads every array of {@code file}, in archive order, keyed by entry name without {@code .npy}; an
     * entry that is not a {@code .npy} array is an error.
     *
     * @throws ScratchnetException naming the file and the problem: missing, not a zip, truncated, an entry
     *                             that is not a supported {@code .npy}, a size that does not match the shape
     */
    public static LinkedHashMap<String, NdArray> read(Path file) {
        return read(file, Set.of()).arrays();
    }

    /**
     * Reads every array of {@code file}, and the entries named in {@code memberNames} (each may be absent)
     * as bytes; any other entry that is not a {@code .npy} array is an error.
     *
     * @throws ScratchnetException as {@link #read(Path)}
     */
    public static Archive read(Path file, Set<String> memberNames) {
        long fileSize = checkLooksLikeZip(file);
        try (ZipFile zip = new ZipFile(file.toFile())) {
            LinkedHashMap<String, NdArray> arrays = new LinkedHashMap<>();
            Map<String, byte[]> members = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String entryName = entry.getName();
                boolean member = memberNames.contains(entryName);
                if (entry.isDirectory() || !(member || entryName.endsWith(".npy"))) {
                    throw fail(file, ": entry '" + entryName + "' is not a .npy array");
                }
                String name = member ? entryName : entryName.substring(0, entryName.length() - ".npy".length());
                if (arrays.containsKey(name) || members.containsKey(name)) {
                    throw fail(file, ": entry '" + entryName + "' appears twice");
                }
                checkEntrySize(file, fileSize, entry);
                // ZipFile checks no CRC for STORED entries (Python's zipfile does): check it here.
                CRC32 crc = new CRC32();
                try (InputStream in = new CheckedInputStream(zip.getInputStream(entry), crc)) {
                    if (member) {
                        members.put(name, readMember(file, entry, in));
                    } else {
                        arrays.put(name, Npy.read(file, entryName, entry.getSize(), in));
                    }
                }
                if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
                    throw fail(file, " is corrupt: entry '" + entryName + "' fails its CRC-32 check");
                }
            }
            return new Archive(arrays, members);
        } catch (ZipException e) {
            throw fail(file, " is truncated or corrupt (zip error: " + AtomicFiles.oneLine(e) + ")", e);
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
        }
    }

    /**
     * Refuses an entry whose claimed size the file cannot hold: stored bytes are in the file, deflated
     * ones expand at most {@link #MAX_DEFLATE_RATIO}-fold. Every later size check trusts this one.
     */
    private static void checkEntrySize(Path file, long fileSize, ZipEntry entry) {
        long stored = entry.getCompressedSize();
        long size = entry.getSize();
        boolean deflated = entry.getMethod() == ZipEntry.DEFLATED;
        long limit = deflated ? Math.max(stored, 0) * MAX_DEFLATE_RATIO : fileSize;
        if (stored > fileSize || size > limit) {
            throw fail(file, ": entry '" + entry.getName() + "' claims " + Math.max(size, stored)
                    + " bytes, more than the whole file (" + fileSize + " bytes) can hold");
        }
    }

    private static byte[] readMember(Path file, ZipEntry entry, InputStream in) throws IOException {
        if (entry.getSize() > MAX_MEMBER_BYTES) {
            throw fail(file, ": entry '" + entry.getName() + "' has " + entry.getSize()
                    + " bytes, more than the " + MAX_MEMBER_BYTES + " a description may have");
        }
        byte[] bytes = in.readNBytes(MAX_MEMBER_BYTES + 1);
        if (bytes.length > MAX_MEMBER_BYTES) {
            throw fail(file, ": entry '" + entry.getName() + "' has more than the " + MAX_MEMBER_BYTES
                    + " bytes a description may have");
        }
        return bytes;
    }

    /**
     * Refuses arrays holding NaN or infinities: weights and optimizer state that no finite training
     * produces, and that would only turn every prediction into NaN.
     *
     * @throws ScratchnetException "{@code <file>: W1 holds 784 non-finite values (NaN or Inf)}" for the
     *                             first such array, in map order
     */
    public static void requireFinite(Path file, Map<String, NdArray> arrays) {
        for (Map.Entry<String, NdArray> e : arrays.entrySet()) {
            long bad = 0;
            for (double v : e.getValue().data()) {
                if (!Double.isFinite(v)) {
                    bad++;
                }
            }
            if (bad > 0) {
                throw new ScratchnetException(file + ": " + e.getKey() + " holds " + bad + " non-finite value"
                        + (bad == 1 ? "" : "s") + " (NaN or Inf)");
            }
        }
    }

    /** A zip starts with a local file header (or, when empty, the end record): PK 3 4 or PK 5 6. */
    private static long checkLooksLikeZip(Path file) {
        byte[] head = new byte[4];
        int n;
        long size;
        try (InputStream in = Files.newInputStream(file)) {
            n = in.readNBytes(head, 0, 4);
            size = Files.size(file);
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
        return size;
    }

    static ScratchnetException fail(Path file, String what) {
        return new ScratchnetException(file + what);
    }

    static ScratchnetException fail(Path file, String what, Throwable cause) {
        return new ScratchnetException(file + what, cause);
    }
}
