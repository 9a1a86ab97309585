package dev.scratchnet.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.partition.GradientSum;
import dev.scratchnet.partition.SumTree;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The driver's socket for a run's exchange, on the loopback, without Spark: tasks that prove the application's
 * secret get the fixed tree's total over it, whatever order they write in; a peer without the secret, or for another
 * run, is refused; the driver's refusal of a round reaches the task as one line; a run's end does not leave a task
 * waiting.
 */
@Timeout(60)
class SyncSocketTest {
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open) {
            c.close();
        }
        threads.shutdownNow();
    }

    private StepSync sync(int parts) {
        StepSync sync = new StepSync(null, parts, new AtomicBoolean()::get, 0, () -> {});
        open.add(sync::close);
        return sync;
    }

    private SyncSocket.Server server(StepSync sync, String secret) throws IOException {
        SyncSocket.Server server = new SyncSocket.Server(sync, "127.0.0.1", 0, 0, "127.0.0.1", secret);
        open.add(server);
        return server;
    }

    private SyncSocket.Client client(SyncSocket.Server server, String name, String secret) throws IOException {
        SyncSocket.Client c = SyncSocket.Client.connect(server.address(), name, secret, 10_000);
        open.add(c);
        return c;
    }

    static byte[] message(int attempt, int round, int partition, GradientSum sum) {
        ByteBuffer b = StepSync.header(attempt, round, partition, StepSync.STEP, "exec-" + partition,
                GradientSumCodec.size(sum));
        GradientSumCodec.write(sum, b);
        return b.array();
    }

    @Test
    void tasksWithTheSecretGetTheFixedTreesTotalOverTheSocketRoundAfterRound() throws Exception {
        int parts = 3;
        StepSync sync = sync(parts);
        SyncSocket.Server server = server(sync, "s3cret");
        List<SyncSocket.Client> clients = new ArrayList<>();
        for (int p = 0; p < parts; p++) {
            clients.add(client(server, sync.name(), "s3cret"));
        }
        for (int round = 0; round < 3; round++) {
            GradientSum[] sums = StepSyncTest.sums(parts, 10 + round);
            List<GradientSum> inOrder = new ArrayList<>();
            for (GradientSum s : sums) {
                inOrder.add(StepSyncTest.copy(s));
            }
            GradientSum expected = SumTree.sum(inOrder);
            List<Future<byte[]>> answers = new ArrayList<>();
            for (int k = 0; k < parts; k++) { // the last partition writes first
                int p = parts - 1 - k;
                byte[] m = message(0, round, p, sums[p]);
                answers.add(threads.submit(() -> {
                    clients.get(p).send(m);
                    return clients.get(p).answer(() -> {});
                }));
            }
            for (Future<byte[]> a : answers) {
                ByteBuffer b = ByteBuffer.wrap(a.get(30, TimeUnit.SECONDS));
                assertEquals(0, b.get(), "no stop asked");
                GradientSum total = GradientSumCodec.read(b);
                assertArrayEquals(expected.grad(), total.grad(), "round " + round);
                assertEquals(expected.count(), total.count());
                assertEquals(expected.lossSum(), total.lossSum());
            }
        }
    }

    @Test
    void aPeerWithoutTheSecretOrForAnotherRunIsRefused() throws Exception {
        StepSync sync = sync(2);
        SyncSocket.Server server = server(sync, "s3cret");
        IOException wrong = assertThrows(IOException.class, () -> client(server, sync.name(), "guess"));
        assertEquals("the driver refused this executor's secret", wrong.getMessage());
        assertThrows(IOException.class, () -> client(server, sync.name(), null));
        assertThrows(IOException.class, () -> client(server, "scratchnet-steps-other", "s3cret"));
        // A driver without the secret is refused by the task: it proves nothing with the task's key.
        StepSync other = sync(2);
        SyncSocket.Server noSecret = server(other, null);
        assertThrows(IOException.class, () -> client(noSecret, other.name(), "s3cret"));
        // With spark.authenticate off on both sides, the run's name is checked.
        client(noSecret, other.name(), null);
    }

    @Test
    void theDriversRefusalOfARoundReachesTheTaskAsOneLine() throws Exception {
        StepSync sync = sync(2);
        SyncSocket.Server server = server(sync, "k");
        SyncSocket.Client a = client(server, sync.name(), "k");
        a.send(message(0, 0, 7, StepSyncTest.sums(2, 1)[0]));
        ExecutionException refused = assertThrows(ExecutionException.class, () -> a.answer(() -> {}));
        assertEquals("no partition 7 in a run of 2", refused.getCause().getMessage());
    }

    /** spark.scratchnet.syncPort: that port, else the next free one within spark.port.maxRetries, as Spark's own. */
    @Test
    void aPinnedPortIsTakenOrTheNextFreeOneWithinTheRetries() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            StepSync sync = sync(2);
            assertThrows(java.net.BindException.class,
                    () -> new SyncSocket.Server(sync, "127.0.0.1", port, 0, "127.0.0.1", "k"));
            SyncSocket.Server next = new SyncSocket.Server(sync, "127.0.0.1", port, 16, "127.0.0.1", "k");
            open.add(next);
            int got = Integer.parseInt(next.address().substring(next.address().lastIndexOf(':') + 1));
            assertTrue(got > port && got <= port + 16, "port " + got + " after " + port);
            client(next, sync.name(), "k");
        }
    }

    /**
     * A task that cannot reach the driver's socket goes over Spark's RPC, and so do the JVM's later tasks, whatever
     * port the driver's later runs open: they waited for a connection each run (a new port each epoch job).
     */
    @Test
    void aHostOnceUnreachableIsNotTriedAgainForAnotherRunsPort() throws Exception {
        java.net.InetAddress host = java.net.InetAddress.getByName("127.0.0.2"); // this test's own: the cache is JVM-wide
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, host)) {
            closed = s.getLocalPort();
        }
        List<IOException> told = new ArrayList<>();
        org.junit.jupiter.api.Assertions.assertNull(SyncSocket.Client.connectOrNull("127.0.0.2:" + closed, "r", "k", 5_000, told::add));
        assertEquals(1, told.size(), "the first failure is told");
        StepSync sync = sync(2);
        SyncSocket.Server later = new SyncSocket.Server(sync, "127.0.0.2", 0, 0, "127.0.0.2", "k");
        open.add(later);
        org.junit.jupiter.api.Assertions.assertNull(SyncSocket.Client.connectOrNull(later.address(), sync.name(), "k", 5_000, told::add),
                "a later run's socket on that host is not tried");
        assertEquals(1, told.size(), "told once a host");
    }

    @Test
    void theRunsEndDoesNotLeaveATaskWaiting() throws Exception {
        StepSync sync = sync(2);
        SyncSocket.Server server = server(sync, "k");
        SyncSocket.Client a = client(server, sync.name(), "k");
        a.send(message(0, 0, 0, StepSyncTest.sums(2, 1)[0]));
        AtomicBoolean waited = new AtomicBoolean();
        Future<?> answer = threads.submit(() -> a.answer(() -> waited.set(true)));
        while (!waited.get()) {
            Thread.onSpinWait();
        }
        sync.close();
        server.close();
        ExecutionException e = assertThrows(ExecutionException.class, () -> answer.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof ExecutionException || e.getCause() instanceof IOException, e.toString());
    }
}
