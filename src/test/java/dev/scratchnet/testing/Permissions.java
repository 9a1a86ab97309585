package dev.scratchnet.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;

/**
 * File modes for tests of "permission denied". Root (and some sandboxes) ignore modes: there the tests
 * are skipped by an assumption, not failed.
 */
public final class Permissions {
    private Permissions() {}

    /** Skips the calling test unless a mode-000 file in {@code dir} is really unreadable. */
    public static void assumeEnforced(Path dir) {
        try {
            Path probe = Files.createTempFile(Files.createDirectories(dir), ".mode-probe-", "");
            set(probe, "---------");
            boolean enforced = !Files.isReadable(probe);
            if (enforced) {
                try {
                    Files.readAllBytes(probe);
                    enforced = false;
                } catch (IOException expected) {
                    // what a normal user sees
                }
            }
            set(probe, "rw-------");
            Files.delete(probe);
            Assumptions.assumeTrue(enforced, "file permissions are not enforced for this user (root?)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets {@code path}'s POSIX mode, e.g. "---------" or "r-xr-xr-x". */
    public static Path set(Path path, String mode) {
        try {
            return Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(mode));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
