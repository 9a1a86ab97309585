package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.report.Json;
import dev.scratchnet.testing.TestData;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * scratchnet on a real Spark standalone cluster (src/main/sh/local-cluster.sh: a master and two workers,
 * executors in their own JVMs, RPC authentication on), compared with the same run in {@code local[2]}:
 * plain, with an executor killed mid-run, with a task that fails once, and with the whole cluster stopped
 * mid-run (last: it takes the cluster down).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
    @TempDir
    static Path tmp;
    static Path state;
    static Path logs;
    static Path reference;

    static List<String> script(String action) {
        return List.of(Runs.root().resolve("src/main/sh/local-cluster.sh").toString(), action);
    }

    static Map<String, String> clusterEnv() {
        return Map.of("SCRATCHNET_CLUSTER_DIR", state.toString());
    }

    @BeforeAll
    static void startClusterAndReferenceRun() throws Exception {
        TestData.mnist();
        state = Runs.root().resolve("target/it-cluster");
        logs = Runs.root().resolve("target/it-logs/cluster");
        Runs.runOk(logs, "cluster-start", script("start"), clusterEnv(), 180);
        assertTrue(Files.isRegularFile(state.resolve("cluster.conf")));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(state.resolve("cluster.conf"))));
        String status = Runs.runOk(logs, "cluster-status", script("status"), clusterEnv(), 60).out();
        String secret = Files.readAllLines(state.resolve("cluster.conf")).stream()
                .filter(l -> l.startsWith("spark.authenticate.secret ")).findFirst().orElseThrow().split(" ")[1];
        assertFalse(status.contains(secret), "status must not print the secret");
        assertTrue(status.contains("spark://127.0.0.1:"), status);

        reference = tmp.resolve("local");
        Runs.localReference(logs, "local-reference", reference);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (state != null) {
            Runs.runOk(logs, "cluster-stop", script("stop"), clusterEnv(), 120);
        }
    }

    static List<String> onCluster(Path out, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--properties-file", state.resolve("cluster.conf").toString(), "--load-spark-defaults"));
        args.addAll(Runs.shortRun(out, extra));
        return args;
    }

    /** The executor JVMs of this cluster: the children of the workers whose PIDs start recorded. */
    static List<ProcessHandle> executors() throws IOException {
        List<ProcessHandle> executors = new ArrayList<>();
        for (String line : Files.readAllLines(state.resolve("pids"))) {
            if (line.startsWith("worker")) {
                ProcessHandle.of(Long.parseLong(line.split(" ")[1])).ifPresent(w -> w.children()
                        .filter(c -> c.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                        .forEach(executors::add));
            }
        }
        return executors;
    }

    /**
     * The executor JVM (started by a Worker from target/spark-home/jars, the application jar fetched from the
     * driver) has mapped the OpenBLAS that NativeBlas extracts from the jar, and netlib's JNI wrapper: so its
     * products ran in native OpenBLAS, not in netlib's Java fallback.
     */
    static void assertNativeOpenBlasMapped(ProcessHandle executor) throws IOException {
        List<String> maps = Files.readAllLines(Path.of("/proc/" + executor.pid() + "/maps"));
        assertTrue(maps.stream().anyMatch(l -> l.contains("/scratchnet/native/openblas-") && l.endsWith("/libopenblas.so.0")),
                "executor " + executor.pid() + " has not mapped the bundled libopenblas.so.0");
        assertTrue(maps.stream().anyMatch(l -> l.contains("libnetlibblasjni")),
                "executor " + executor.pid() + " has not loaded netlib's JNI BLAS");
        System.out.printf("executor pid %d: native OpenBLAS from the jar is mapped%n", executor.pid());
    }

    /**
     * Runs that something is done to mid-run: 2 epochs of 60 steps (or {@code epochs}) with a checkpoint every 10;
     * the test acts when the first checkpoint is on disk (a file written at a known step, however fast the steps are),
     * with 110 steps still to come.
     */
    static List<String> longOnCluster(Path out, int epochs, String... extra) {
        List<String> more = new ArrayList<>(List.of("--conf", "spark.scratchnet.steps=0",
                "--conf", "spark.scratchnet.epochs=" + epochs, "--conf", "spark.scratchnet.checkpoint.every=10"));
        more.addAll(List.of(extra));
        return onCluster(out, more.toArray(new String[0]));
    }

    static boolean progressed(Path out) {
        return InterruptIT.checkpointStep(out) >= 10;
    }

    @Test
    @Order(1)
    void clusterRunEqualsLocalRun() throws Exception {
        Path out = tmp.resolve("cluster");
        Runs.Proc p = Runs.submit(logs, "cluster-plain", onCluster(out));
        assertEquals(0, p.waitFor(300), p.err());
        System.out.printf("cluster run: %.1f s%n", p.seconds());
        assertTrue(Json.readTree(out.resolve("summary.json")).path("spark_master").asText().startsWith("spark://127.0.0.1:"));
        String blas = Json.readTree(out.resolve("summary.json")).path("blas").asText();
        assertTrue(blas.startsWith("native OpenBLAS "), "the driver's BLAS: " + blas);
        Runs.assertSameParams(reference, out);
        assertTrue(p.log().contains("hands its sums in over scratchnet-steps-"),
                "the executors' tasks exchanged over the driver's socket (the run's log file)");
    }

    /** Spark's RPC, where the socket is off (or a task cannot reach it): the same steps, the same bits. */
    @Test
    @Order(2)
    void exchangeOverSparksRpcEqualsTheSocketsRun() throws Exception {
        Path out = tmp.resolve("cluster-rpc");
        Runs.Proc p = Runs.submit(logs, "cluster-rpc", onCluster(out, "--conf", "spark.scratchnet.syncSocket=false"));
        assertEquals(0, p.waitFor(300), p.err());
        assertFalse(p.log().contains("hands its sums in over"), "no socket when spark.scratchnet.syncSocket=false");
        Runs.assertSameParams(reference, out);
    }

    @Test
    @Order(3)
    void executorKilledMidRunChangesNothing() throws Exception {
        Path local = tmp.resolve("executor-loss-reference");
        Runs.localReference(logs, "executor-loss-reference", local, "--conf", "spark.scratchnet.steps=0",
                "--conf", "spark.scratchnet.epochs=2");

        Path out = tmp.resolve("executor-loss");
        Runs.Proc p = Runs.submit(logs, "cluster-executor-loss", longOnCluster(out, 2));
        p.await("the first checkpoint", 240, () -> progressed(out));
        List<ProcessHandle> executors = executors();
        assertFalse(executors.isEmpty(), "no executor found under the workers");
        for (ProcessHandle executor : executors) {
            assertNativeOpenBlasMapped(executor);
        }
        ProcessHandle victim = executors.get(0);
        assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid());
        System.out.printf("killed executor pid %d at %.1f s%n", victim.pid(), p.seconds());
        assertFalse(p.out().contains("done:"), "the kill must land mid-run");
        assertEquals(0, p.waitFor(300), p.err());
        System.out.printf("run with a lost executor: %.1f s%n", p.seconds());
        assertTrue(p.err().contains("Lost executor"), "the driver saw the executor go");
        Runs.assertSameParams(local, out);
    }

    @Test
    @Order(4)
    void taskFailingOnceIsRetried() throws Exception {
        Path out = tmp.resolve("task-failure");
        Path marker = tmp.resolve("fail-once-marker");
        List<String> args = new ArrayList<>(List.of(Runs.root().resolve("submit.sh").toString(),
                "--jars", Runs.root().resolve("target/scratchnet-tests.jar").toString(),
                "--class", FailOnceMain.class.getName()));
        args.addAll(onCluster(out));
        Runs.Proc p = Runs.start(logs, "cluster-task-failure", args, Map.of("SCRATCHNET_FAIL_ONCE_MARKER", marker.toString()));
        assertEquals(0, p.waitFor(300), p.err());
        assertTrue(Files.exists(marker), "a task failed once");
        assertTrue(p.log().contains("Lost task"), "the driver saw the failed attempt (its log file)");
        assertFalse(p.err().contains("Lost task"), "Spark's task-failure lines go to the log file, not the console:\n"
                + p.err());
        Runs.assertSameParams(reference, out);
    }

    /**
     * RPC authentication guards the cluster's RPC, not its web UIs: one unauthenticated POST to the master
     * UI's {@code /app/kill/} used to kill the running application. local-cluster.sh turns the UI's kill
     * endpoints off (spark.ui.killEnabled=false), so the run must finish as if nothing happened.
     */
    @Test
    @Order(5)
    void unauthenticatedKillThroughTheMasterWebUiDoesNotKillTheRun() throws Exception {
        Path out = tmp.resolve("ui-kill");
        Runs.Proc p = Runs.submit(logs, "cluster-ui-kill", longOnCluster(out, 2));
        p.await("the first checkpoint", 240, () -> progressed(out));
        String ui = Files.readString(state.resolve("master-ui")).strip();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
        String appId = activeApps(http, ui).get(0);
        HttpResponse<String> kill = http.send(HttpRequest.newBuilder(URI.create(ui + "/app/kill/"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("id=" + appId + "&terminate=true")).build(),
                HttpResponse.BodyHandlers.ofString());
        System.out.printf("POST %s/app/kill/ for %s: HTTP %d%n", ui, appId, kill.statusCode());
        assertFalse(kill.statusCode() / 100 == 3, "the kill handler answers with a redirect: it is still there");
        assertTrue(activeApps(http, ui).contains(appId), "the master still runs " + appId);
        assertEquals(0, p.waitFor(300), p.err());
        assertEquals(120, Json.readTree(out.resolve("summary.json")).path("steps").asLong());
    }

    /** The ids of the applications the master's UI lists as active (its JSON view). */
    static List<String> activeApps(HttpClient http, String ui) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(ui + "/json/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        List<String> ids = new ArrayList<>();
        Json.mapper().readTree(r.body()).path("activeapps").forEach(a -> ids.add(a.path("id").asText()));
        return ids;
    }

    @Test
    @Order(6)
    void wrongSecretIsRejectedWithOneLine() throws Exception {
        Path conf = tmp.resolve("wrong-secret.conf");
        Files.write(conf, Files.readAllLines(state.resolve("cluster.conf")).stream()
                .map(l -> l.startsWith("spark.authenticate.secret ") ? "spark.authenticate.secret 0123" : l).toList());
        Path out = tmp.resolve("wrong-secret");
        List<String> args = new ArrayList<>(List.of("--properties-file", conf.toString(), "--load-spark-defaults"));
        args.addAll(Runs.shortRun(out));
        Runs.Proc p = Runs.submit(logs, "cluster-wrong-secret", args);
        int code = p.waitFor(180);
        System.out.printf("wrong secret: exit %d after %.1f s%n", code, p.seconds());
        assertEquals(2, code, p.err());
        assertTrue(p.log().contains("SaslException"), "the log file says the master refused the driver's authentication");
        assertFalse(p.err().contains("\tat "), "no stack trace on the console:\n" + p.err());
        String last = Runs.tail(p.err(), 1);
        assertTrue(last.startsWith("scratchnet: Spark stopped the application on spark://127.0.0.1:"), last);
        assertFalse(Files.exists(out.resolve("model.npz")));
    }

    @Test
    @Order(7)
    void clusterStoppedMidRunFailsWithOneLineInsteadOfHanging() throws Exception {
        Path out = tmp.resolve("cluster-gone");
        Runs.Proc p = Runs.submit(logs, "cluster-gone", longOnCluster(out, 20,
                "--conf", "spark.scratchnet.noExecutorTimeout=30"));
        p.await("the first checkpoint", 240, () -> progressed(out));
        Runs.runOk(logs, "cluster-stop-mid-run", script("stop"), clusterEnv(), 120);
        long stopped = System.nanoTime();
        int code = p.waitFor(120);
        double seconds = (System.nanoTime() - stopped) / 1e9;
        System.out.printf("cluster stopped: the run exited %d after %.1f s%n", code, seconds);
        assertEquals(2, code, p.err());
        String last = Runs.tail(p.err(), 1);
        assertTrue(last.startsWith("scratchnet: no executors for 30 s on spark://127.0.0.1:"), last);
        assertFalse(Files.exists(out.resolve("model.npz")), "no model from a failed run");
    }
}
