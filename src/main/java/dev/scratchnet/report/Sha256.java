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
