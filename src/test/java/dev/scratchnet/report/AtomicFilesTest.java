package dev.scratchnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.ScratchnetException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    @Test
    void writesAndReplaces() throws IOException {
        Path target = dir.resolve("summary.txt");
        AtomicFiles.writeString(target, "first");
        AtomicFiles.writeString(target, "second");
        assertEquals("second", Files.readString(target));
        assertEquals(1, countFiles(), "no temp file left behind");
    }

    @Test
    void writerFailingHalfwayLeavesPreviousFileIntactAndNoTempFile() throws IOException {
        Path target = dir.resolve("metrics.csv");
        AtomicFiles.writeString(target, "complete old content\n");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half of the new con".getBytes(StandardCharsets.UTF_8));
            throw new IOException("disk full");
        }));
        assertTrue(e.getMessage().contains(target.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("disk full"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
        assertEquals("complete old content\n", Files.readString(target));
        assertEquals(1, countFiles(), "the temp file is deleted");
    }

    @Test
    void writerThrowingScratchnetExceptionPassesItThrough() {
        Path target = dir.resolve("x.bin");
        ScratchnetException e = assertThrows(ScratchnetException.class,
                () -> AtomicFiles.write(target, out -> {
                    throw new ScratchnetException("x.bin: bad input");
                }));
        assertEquals("x.bin: bad input", e.getMessage());
        assertFalse(Files.exists(target));
    }

    @Test
    void missingFolderIsNamed() {
        Path target = dir.resolve("no-such-folder/x.txt");
        ScratchnetException e = assertThrows(ScratchnetException.class, () -> AtomicFiles.writeString(target, "x"));
        assertEquals("cannot write " + target + ": folder " + target.getParent() + " does not exist", e.getMessage());
    }

    @Test
    void ensureWritableDirCreatesNestedFolders() {
        Path out = dir.resolve("runs/2024/a");
        AtomicFiles.ensureWritableDir(out, "output folder");
        assertTrue(Files.isDirectory(out));
        AtomicFiles.ensureWritableDir(out, "output folder"); // already there: fine
    }

    /**
     * Tests run as root here, and root ignores permission bits, so a chmod-ed folder would still be
     * writable. A folder below a regular FILE can never be created, by anyone: that is the failure used.
     */
    @Test
    void ensureWritableDirFailsBelowARegularFile() throws IOException {
        Path file = Files.writeString(dir.resolve("someFile"), "not a folder");
        Path out = file.resolve("sub");
        ScratchnetException e = assertThrows(ScratchnetException.class,
                () -> AtomicFiles.ensureWritableDir(out, "output folder"));
        assertTrue(e.getMessage().startsWith("output folder " + out + " is not writable: "), e.getMessage());
        assertTrue(e.getMessage().contains("someFile"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    private long countFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.count();
        }
    }
}
