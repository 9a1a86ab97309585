package dev.scratchnet.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scratchnet.ScratchnetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run lock within one JVM; a lock held by another process, and one left by SIGKILL, are in RunLockIT. */
class RunLockTest {
    @TempDir
    Path tmp;

    static List<RunLock.Folder> folders(Path... dirs) {
        return java.util.Arrays.stream(dirs).map(d -> new RunLock.Folder("output folder", d)).toList();
    }

    @Test
    void recordsItsHolderAndRefusesASecondRunNamingIt() throws Exception {
        Path out = tmp.resolve("run");
        try (RunLock first = RunLock.acquire(folders(out))) {
            JsonNode holder = Json.readTree(out.resolve(RunLock.FILE));
            assertEquals(ProcessHandle.current().pid(), holder.path("pid").asLong());
            assertFalse(holder.path("host").asText().isEmpty());
            assertFalse(holder.path("started").asText().isEmpty());

            ScratchnetException e = assertThrows(ScratchnetException.class, () -> RunLock.acquire(folders(out)));
            assertTrue(e.getMessage().startsWith("output folder " + out + " is in use by "), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), e.getMessage());
            // The refusal left the holder's record and lock alone.
            assertEquals(holder, Json.readTree(out.resolve(RunLock.FILE)));
        }
        try (RunLock again = RunLock.acquire(folders(out))) {
            assertTrue(Files.exists(out.resolve(RunLock.FILE)), "released, and the file stays");
        }
    }

    @Test
    void allOrNothing() {
        Path a = tmp.resolve("a");
        Path b = tmp.resolve("b");
        try (RunLock holdsB = RunLock.acquire(folders(b))) {
            assertThrows(ScratchnetException.class, () -> RunLock.acquire(folders(a, b)));
            try (RunLock aIsFree = RunLock.acquire(folders(a))) {
                assertTrue(Files.exists(a.resolve(RunLock.FILE)));
            }
        }
    }

    @Test
    void aFolderInsideALockedOneIsCoveredAndNotCreated() {
        Path out = tmp.resolve("run");
        try (RunLock lock = RunLock.acquire(folders(out, out.resolve("checkpoint")))) {
            assertFalse(Files.exists(out.resolve("checkpoint")));
        }
    }

    @Test
    void aRunThatWroteNothingLeavesTheFoldersAsItFoundThem() throws Exception {
        Path made = tmp.resolve("new/nested/run");
        try (RunLock lock = RunLock.acquire(folders(made))) {
            assertTrue(Files.exists(made.resolve(RunLock.FILE)));
        }
        assertFalse(Files.exists(tmp.resolve("new")), "the folders it made, removed with its lock file");

        Path existing = Files.createDirectories(tmp.resolve("existing"));
        try (RunLock lock = RunLock.acquire(folders(existing))) {
            assertTrue(Files.exists(existing.resolve(RunLock.FILE)));
        }
        assertTrue(Files.isDirectory(existing), "a folder the user made stays");
        assertEquals(0, Files.list(existing).count(), "without the lock file the run made");

        Path written = tmp.resolve("written");
        try (RunLock lock = RunLock.acquire(folders(written))) {
            Files.writeString(written.resolve("metrics.csv"), "epoch\n");
        }
        assertTrue(Files.exists(written.resolve(RunLock.FILE)), "a folder with outputs keeps its lock file");
        assertTrue(Files.exists(written.resolve("metrics.csv")));
    }

    @Test
    void aRunThatLockedAFileItsHolderWasDeletingLocksAFreshOne() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(out.resolve(RunLock.FILE), "{\"pid\": 999999999, \"host\": \"gone\"}"); // an earlier run's
        int[] opened = {0};
        // The previous holder deletes the file between this run's opening it and locking it (its release when it
        // wrote nothing): the run then holds a file no longer in the folder, and must start again.
        try (RunLock lock = RunLock.acquire(folders(out), () -> {
            if (opened[0]++ == 0) {
                try {
                    Files.delete(out.resolve(RunLock.FILE));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        })) {
            assertTrue(opened[0] >= 2, "it opened the lock file again: " + opened[0]);
            assertEquals(ProcessHandle.current().pid(), Json.readTree(out.resolve(RunLock.FILE)).path("pid").asLong(),
                    "the folder's lock file is the one it holds");
            assertThrows(ScratchnetException.class, () -> RunLock.acquire(folders(out)));
        }
    }

    /** Whether another process can take an OS lock on {@code file} now (Python's {@code lockf}: the same fcntl locks). */
    static boolean anotherProcessLocks(Path file) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", "import fcntl, sys\nf = open(sys.argv[1], 'r+')\n"
                + "fcntl.lockf(f, fcntl.LOCK_EX | fcntl.LOCK_NB)", file.toString()).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor() == 0;
    }

    @Test
    void theOsLockHoldsFromAcquireToClose() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(new ProcessBuilder("python3", "-c", "import fcntl").start().waitFor() == 0,
                "python3 with fcntl");
        Path made = tmp.resolve("held-new");
        try (RunLock lock = RunLock.acquire(folders(made))) {
            // A second channel to the file, opened and closed in this process, would have dropped the lock.
            assertFalse(anotherProcessLocks(made.resolve(RunLock.FILE)), "another process is refused while held");
        }
        Path found = Files.createDirectories(tmp.resolve("held-found"));
        Files.writeString(found.resolve(RunLock.FILE), "{}"); // an earlier run's record
        try (RunLock lock = RunLock.acquire(folders(found))) {
            assertFalse(anotherProcessLocks(found.resolve(RunLock.FILE)), "another process is refused while held");
        }
        assertTrue(anotherProcessLocks(found.resolve(RunLock.FILE)), "and takes it once released");
    }

    @Test
    void aStaleRecordWithoutAnOsLockDoesNotBlock() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("run"));
        Files.writeString(out.resolve(RunLock.FILE), "{\"pid\": 999999999, \"host\": \"gone\", \"started\": \"2020-01-01T00:00:00Z\"}");
        Path leftover = Files.writeString(out.resolve(".model.npz.tmp-0123456789ab"), "half");
        Path probe = Files.writeString(out.resolve(".write-probe-123.tmp"), "");
        Path kept = Files.writeString(out.resolve("model.npz"), "not touched");
        try (RunLock lock = RunLock.acquire(folders(out))) {
            assertEquals(ProcessHandle.current().pid(), Json.readTree(out.resolve(RunLock.FILE)).path("pid").asLong());
            assertFalse(Files.exists(leftover), "a killed writer's temp file is deleted once the folder is ours");
            assertFalse(Files.exists(probe));
            assertEquals("not touched", Files.readString(kept));
        }
    }
}
