package dev.scratchnet.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Hand-made NPY and NPZ bytes for tests of what a reader must refuse. */
public final class CraftedFiles {
    private CraftedFiles() {}

    /** A version 1.0 .npy with the given header dict (padded to 64) and {@code dataBytes} zero bytes. */
    public static byte[] npy(String dict, int dataBytes) {
        StringBuilder header = new StringBuilder(dict);
        while ((10 + header.length() + 1) % 64 != 0) {
            header.append(' ');
        }
        header.append('\n');
        ByteBuffer b = ByteBuffer.allocate(10 + header.length() + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0}).putShort((short) header.length());
        b.put(header.toString().getBytes(StandardCharsets.US_ASCII));
        return b.array();
    }

    /**
     * An npz of a few hundred bytes: one STORED entry {@code W1.npy} whose NPY header claims shape
     * (2000000000,), 16 GB of float64, and which holds no data at all.
     */
    public static Path hugeClaimNpz(Path file) throws IOException {
        byte[] npy = npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2000000000,), }", 0);
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            ZipEntry entry = new ZipEntry("W1.npy");
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
        return file;
    }
}
