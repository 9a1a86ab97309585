package dev.scratchnet.report;

import dev.scratchnet.ScratchnetException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of a file, as lower-case hex: for the MNIST downloads and the checkpoint's state file. */
public final class Sha256 {
    private Sha256() {}

    /**
     * Hashes 4 MB of zeros on a daemon thread, as {@link #of} reads a file (64 KB at a time), so that the digest is
     * compiled (with the processor's SHA instructions, where it has them) before the run's first checkpoint hashes its
     * state file. Cold, the demo's first checkpoint (6.5 MB) took 60 ms of one core to hash, against 6 ms compiled, on
     * a thread that shares two cores with the steps of the second epoch; the warm-up takes about 35 ms while Spark
     * starts. Nothing is kept.
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            try {
                MessageDigest digest = MessageDigest.getInstance("SHA-256");
                byte[] buffer = new byte[1 << 16];
                for (int i = 0; i < 64; i++) {
                    digest.update(buffer, 0, buffer.length);
                }
                digest.digest();
            } catch (NoSuchAlgorithmException | RuntimeException e) {
                // the run's own hashing reports whatever is wrong
            }
        }, "scratchnet-digest-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /** The file's SHA-256; a read failure is one line naming the file. */
    public static String of(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buffer = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
        } catch (IOException e) {
            throw new ScratchnetException("cannot read " + file + ": " + AtomicFiles.oneLine(e), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
