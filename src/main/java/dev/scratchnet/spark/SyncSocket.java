package dev.scratchnet.spark;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A second door to a run's {@link StepSync} for tasks on other hosts: a TCP socket of the driver's, on which a task's
 * thread writes its sum and reads the total itself. Spark's RPC takes a round through six threads (the task's, its
 * client's event loop, the driver's event loop, the endpoint's dispatcher, back through both event loops) and Java
 * serialization both ways; here a round wakes one thread on each side, and the bytes are the same ones the RPC path
 * carries ({@link StepSync#header}, {@link GradientSumCodec}). The driver's endpoint on Spark's RPC stays: a task that
 * cannot reach the socket (a firewall that lets only Spark's ports through) hands its sums in there instead.
 *
 * <p>Every connection starts with a challenge both ways: HMAC-SHA256 over both sides' random nonces and the run's
 * endpoint name, keyed by the application's secret ({@code spark.authenticate}), so a peer without the secret is
 * refused as Spark's RPC refuses it, and a task knows it talks to its driver. The frames after it are not encrypted:
 * the driver opens no socket when Spark's RPC is ({@link #wanted}).
 */
final class SyncSocket {
    private SyncSocket() {}

    private static final byte[] MAGIC = "scratchnet-sync-1".getBytes(StandardCharsets.US_ASCII);
    private static final int NONCE = 32;
    /** The frame length that says the driver refused the round; a UTF-8 line follows. */
    private static final int FAILURE = -1;
    /** The largest frame a driver reads: 1 GiB (a sum of 128 M doubles). */
    private static final int MAX_FRAME = 1 << 30;
    /** The most partitions a run's socket serves: a thread of the driver's each; more go over Spark's RPC. */
    static final int MAX_PARTITIONS = 1024;
    /** How long either side waits for the other's part of the handshake. */
    private static final int HANDSHAKE_MILLIS = 30_000;
    /** How long a task waits at most between two checks of whether Spark killed it. */
    private static final int POLL_MILLIS = 100;
    /** A logger under conf/log4j2.properties' {@code dev.scratchnet.trace}: the run's log file, not the console. */
    private static final String TRACE = "dev.scratchnet.trace.sync";

    /**
     * Whether a driver with these settings opens a socket: not when Spark's RPC is encrypted ({@code
     * spark.network.crypto.enabled}, {@code spark.authenticate.enableSaslEncryption}, {@code spark.ssl.rpc.enabled}):
     * there the sums stay on Spark's RPC.
     */
    static boolean wanted(org.apache.spark.SparkConf conf) {
        return !conf.getBoolean("spark.network.crypto.enabled", false)
                && !conf.getBoolean("spark.authenticate.enableSaslEncryption", false)
                && !conf.getBoolean("spark.ssl.rpc.enabled", false);
    }

    /** The key of the handshake: the application's secret, or a constant when Spark's RPC has none. */
    static byte[] key(String secret) {
        return (secret == null || secret.isEmpty() ? "scratchnet: spark.authenticate is off" : secret)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] proof(byte[] key, String side, byte[] server, byte[] client, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update(side.getBytes(StandardCharsets.US_ASCII));
            mac.update(server);
            mac.update(client);
            return mac.doFinal(name.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] nonce() {
        byte[] n = new byte[NONCE];
        new SecureRandom().nextBytes(n);
        return n;
    }

    /**
     * Reads {@code b} whole; with {@code whileWaiting}, in timed reads that run it between them (it throws to stop
     * waiting), else a timeout ends the read.
     */
    private static void readFully(InputStream in, byte[] b, Runnable whileWaiting) throws IOException {
        int off = 0;
        while (off < b.length) {
            try {
                int r = in.read(b, off, b.length - off);
                if (r < 0) {
                    throw new EOFException("the connection closed");
                }
                off += r;
            } catch (SocketTimeoutException notYet) {
                if (whileWaiting == null) {
                    throw notYet;
                }
                whileWaiting.run();
            }
        }
    }

    private static int readInt(InputStream in, Runnable whileWaiting) throws IOException {
        byte[] b = new byte[4];
        readFully(in, b, whileWaiting);
        return ByteBuffer.wrap(b).getInt();
    }

    private static byte[] read(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        readFully(in, b, null);
        return b;
    }

    /** The driver's side: accepts the tasks' connections, a thread each, for as long as the run lasts. */
    static final class Server implements AutoCloseable {
        private final StepSync sync;
        private final byte[] key;
        private final ServerSocket socket;
        private final String address;
        private final Set<Socket> open = ConcurrentHashMap.newKeySet();
        private volatile boolean closed;

        /**
         * Listens on {@code bindHost}, on {@code port} or the first free one of the {@code retries} after it (0: any
         * free port), and tells the tasks {@code advertisedHost} and that port.
         */
        Server(StepSync sync, String bindHost, int port, int retries, String advertisedHost, String secret)
                throws IOException {
            this.sync = sync;
            this.key = key(secret);
            this.socket = bind(bindHost, port, port == 0 ? 0 : retries);
            this.address = advertisedHost + ":" + socket.getLocalPort();
            Thread acceptor = new Thread(this::accept, sync.name() + "-socket");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static ServerSocket bind(String host, int port, int retries) throws IOException {
            for (int i = 0; ; i++) {
                ServerSocket s = new ServerSocket();
                try {
                    s.bind(new InetSocketAddress(host, port == 0 ? 0 : port + i), 128);
                    return s;
                } catch (IOException e) {
                    s.close();
                    if (i >= retries || port + i >= 65535) {
                        throw e;
                    }
                }
            }
        }

        /** {@code host:port}, as a task connects to it. */
        String address() {
            return address;
        }

        private void accept() {
            while (!closed) {
                Socket s;
                try {
                    s = socket.accept();
                } catch (IOException e) {
                    return; // closed
                }
                open.add(s);
                if (closed) {
                    closeQuietly(s);
                    return;
                }
                Thread t = new Thread(() -> serve(s), sync.name() + "-task");
                t.setDaemon(true);
                t.start();
            }
        }

        /** One task's connection: the handshake, then a frame in and a frame out a round. */
        private void serve(Socket s) {
            try (s) {
                s.setTcpNoDelay(true);
                s.setSoTimeout(HANDSHAKE_MILLIS);
                InputStream in = s.getInputStream();
                DataOutputStream out = new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 16));
                byte[] server = nonce();
                out.write(MAGIC);
                out.write(server);
                out.flush();
                if (!MessageDigest.isEqual(read(in, MAGIC.length), MAGIC)) {
                    return;
                }
                int length = readInt(in, null);
                if (length < 0 || length > 1024) {
                    return;
                }
                byte[] name = read(in, length);
                byte[] client = read(in, NONCE);
                String run = new String(name, StandardCharsets.UTF_8);
                boolean ok = run.equals(sync.name())
                        && MessageDigest.isEqual(read(in, 32), proof(key, "task", server, client, run));
                out.writeBoolean(ok);
                if (ok) {
                    out.write(proof(key, "driver", server, client, run));
                }
                out.flush();
                if (!ok) {
                    return;
                }
                s.setSoTimeout(0);
                // To the run's log file only (the trace logger of conf/log4j2.properties), never to the console.
                org.apache.logging.log4j.LogManager.getLogger(TRACE).info("scratchnet: a task on "
                        + s.getInetAddress().getHostAddress() + " hands its sums in over " + sync.name() + "'s socket");
                while (!closed) {
                    int n = readInt(in, null);
                    if (n < 0 || n > MAX_FRAME) {
                        return;
                    }
                    java.util.concurrent.CompletableFuture<Object> answer = new java.util.concurrent.CompletableFuture<>();
                    sync.receiveBytes(read(in, n), StepSync.replyTo(answer));
                    Object reply;
                    try {
                        reply = answer.get();
                    } catch (java.util.concurrent.ExecutionException refused) {
                        reply = refused.getCause();
                    }
                    if (reply instanceof byte[] bytes) {
                        out.writeInt(bytes.length);
                        out.write(bytes);
                    } else {
                        byte[] line = String.valueOf(((Throwable) reply).getMessage()).getBytes(StandardCharsets.UTF_8);
                        out.writeInt(FAILURE);
                        out.writeInt(line.length);
                        out.write(line);
                    }
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // the task's end (its executor lost, the stage retried) or the run's: the round's watchdog reports
            } finally {
                open.remove(s);
            }
        }

        @Override
        public void close() {
            closed = true;
            closeQuietly(socket);
            for (Socket s : open) {
                closeQuietly(s);
            }
        }
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    /** A task's side: one connection, on which its thread writes its sums and reads the totals. */
    static final class Client implements AutoCloseable {
        private final Socket socket;
        private final InputStream in;
        private final DataOutputStream out;

        private Client(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream(), 1 << 16));
        }

        /**
         * Connects to the driver's socket {@code address} ({@code host:port}) for the run {@code name}, within
         * {@code connectMillis}, and proves the application's {@code secret} both ways.
         */
        static Client connect(String address, String name, String secret, int connectMillis) throws IOException {
            String host = host(address);
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress(host, Integer.parseInt(address.substring(host.length() + 1))), connectMillis);
                s.setTcpNoDelay(true);
                s.setSoTimeout(HANDSHAKE_MILLIS);
                Client c = new Client(s);
                if (!MessageDigest.isEqual(read(c.in, MAGIC.length), MAGIC)) {
                    throw new IOException("it is not a scratchnet driver's sync socket");
                }
                byte[] server = read(c.in, NONCE);
                byte[] client = nonce();
                byte[] run = name.getBytes(StandardCharsets.UTF_8);
                byte[] key = key(secret);
                c.out.write(MAGIC);
                c.out.writeInt(run.length);
                c.out.write(run);
                c.out.write(client);
                c.out.write(proof(key, "task", server, client, name));
                c.out.flush();
                if (read(c.in, 1)[0] == 0) {
                    throw new IOException("the driver refused this executor's secret");
                }
                if (!MessageDigest.isEqual(read(c.in, 32), proof(key, "driver", server, client, name))) {
                    throw new IOException("the driver's answer does not prove the application's secret");
                }
                s.setSoTimeout(POLL_MILLIS);
                return c;
            } catch (IOException | RuntimeException e) {
                closeQuietly(s);
                throw e;
            }
        }

        /** The host of a {@code host:port} address (an IPv6 host keeps its colons). */
        static String host(String address) {
            return address.substring(0, address.lastIndexOf(':'));
        }

        /**
         * The drivers' hosts whose sync socket this JVM could not reach: a firewall that shut one run's port shuts the
         * next run's, so later tasks go straight to Spark's RPC instead of waiting for a connection each run.
         */
        private static final Set<String> UNREACHABLE = ConcurrentHashMap.newKeySet();

        /**
         * {@link #connect}, or null when this JVM could not reach the driver's host before, or cannot now: then it
         * tells {@code firstFailure}, once a host.
         */
        static Client connectOrNull(String address, String name, String secret, int connectMillis,
                                    java.util.function.Consumer<IOException> firstFailure) {
            String host = host(address);
            if (UNREACHABLE.contains(host)) {
                return null;
            }
            try {
                return connect(address, name, secret, connectMillis);
            } catch (IOException e) {
                if (UNREACHABLE.add(host)) {
                    firstFailure.accept(e);
                }
                return null;
            }
        }

        /** Sends one message (a round's header and sum, as {@link StepSync#header} makes it). */
        void send(byte[] message) throws IOException {
            out.writeInt(message.length);
            out.write(message);
            out.flush();
        }

        /**
         * The driver's answer to the oldest message not yet answered: the reply's bytes; the driver's refusal as an
         * {@link java.util.concurrent.ExecutionException}. Waits in timed reads, running {@code whileWaiting} between
         * them (a task's check of whether Spark killed it, which throws).
         */
        byte[] answer(Runnable whileWaiting) throws IOException, java.util.concurrent.ExecutionException {
            int n = readInt(in, whileWaiting);
            if (n == FAILURE) {
                byte[] line = new byte[readInt(in, whileWaiting)];
                readFully(in, line, whileWaiting);
                throw new java.util.concurrent.ExecutionException(
                        new IllegalStateException(new String(line, StandardCharsets.UTF_8)));
            }
            byte[] reply = new byte[n];
            readFully(in, reply, whileWaiting);
            return reply;
        }

        @Override
        public void close() {
            closeQuietly(socket);
        }
    }
}
