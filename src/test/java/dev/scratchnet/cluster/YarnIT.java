package dev.scratchnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scratchnet.report.Json;
import dev.scratchnet.testing.TestData;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMAppState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * scratchnet on YARN (issue 25): {@code ./submit.sh --master yarn} against an in-process MiniYARNCluster (a
 * ResourceManager and one NodeManager whose containers are real JVMs started by its default container executor,
 * as the current user), in client and in cluster deploy mode, compared with the same run in {@code local[2]}; an
 * executor container killed mid-run; and what is refused with one line: a bad setting before YARN is asked for
 * anything, and more memory than the cluster's largest container.
 *
 * <p>The client reads the cluster's address from the {@code yarn-site.xml} this test writes into a folder named by
 * HADOOP_CONF_DIR and YARN_CONF_DIR, as on a real cluster's gateway machine. The containers take Spark's jars from
 * {@code target/spark-home/jars} in place ({@code spark.yarn.jars=local:...}: the node is this machine), and the data
 * and the output folder are absolute local paths, which every container on this one node can read and write.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class YarnIT {
    /** The cluster's largest container (yarn.scheduler.maximum-allocation-mb). */
    static final int MAX_CONTAINER_MB = 4096;

    @TempDir
    static Path tmp;
    static Path logs;
    static Path confDir;
    static Path reference;
    static MiniYARNCluster yarn;
    static long started = System.nanoTime();

    @BeforeAll
    static void startYarnAndReferenceRun() throws Exception {
        TestData.mnist();
        logs = Runs.root().resolve("target/it-logs/yarn");
        Path state = Runs.root().resolve("target/it-yarn");
        confDir = Files.createDirectories(state.resolve("conf"));

        YarnConfiguration conf = new YarnConfiguration();
        // hadoop-client-minicluster has no capacity-scheduler.xml: one queue, "default", by hand (as Spark's own
        // BaseYarnClusterSuite does).
        conf.set("yarn.scheduler.capacity.root.queues", "default");
        conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
        conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
        conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
        conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
        conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
        conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
        conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);
        // A full disk (a shared CI machine) must not mark the only node unhealthy.
        conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
        // A JVM reserves far more address space than it uses: the virtual-memory check would kill every container.
        conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
        // MiniYARNCluster gives its NodeManager this key's value (default 4 GB), not yarn.nodemanager.resource.memory-mb.
        conf.setInt("yarn.minicluster.yarn.nodemanager.resource.memory-mb", 8192);
        conf.setInt("yarn.scheduler.minimum-allocation-mb", 256);
        conf.setInt("yarn.scheduler.maximum-allocation-mb", MAX_CONTAINER_MB);
        // What a real node's yarn-env.sh provides: the containers' launch scripts run $JAVA_HOME/bin/java.
        conf.set("yarn.nodemanager.admin-env", "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX,JAVA_HOME="
                + System.getProperty("java.home"));
        conf.set("yarn.resourcemanager.hostname", "127.0.0.1");
        yarn = new MiniYARNCluster("YarnIT", 1, 1, 1);
        yarn.init(conf);
        yarn.start();
        // start() can return before the ResourceManager has written its bound port into the configuration.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
            assertTrue(System.nanoTime() < deadline, "the ResourceManager never bound its address");
            Thread.sleep(100);
        }
        try (OutputStream site = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
            yarn.getConfig().writeXml(site);
        }
        System.out.printf("MiniYARNCluster up: ResourceManager at %s (%.1f s)%n",
                yarn.getConfig().get(YarnConfiguration.RM_ADDRESS), (System.nanoTime() - started) / 1e9);

        reference = tmp.resolve("local");
        Runs.localReference(logs, "local-reference", reference);
    }

    @AfterAll
    static void stopYarn() {
        if (yarn != null) {
            yarn.stop();
        }
        // Containers the NodeManager started (children of this JVM) that outlive it, e.g. after a failed test.
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        System.out.printf("YarnIT: %.1f s in all%n", (System.nanoTime() - started) / 1e9);
    }

    /** {@code ./submit.sh --master yarn --deploy-mode MODE ...}, the client pointed at the cluster as a user would be. */
    static Runs.Proc submit(String name, String deployMode, List<String> args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Runs.root().resolve("submit.sh").toString(),
                "--master", "yarn", "--deploy-mode", deployMode,
                "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "1g", "--driver-memory", "1g",
                "--conf", "spark.yarn.jars=local:" + Runs.root().resolve("target/spark-home/jars") + "/*"));
        command.addAll(args);
        return Runs.start(logs, name, command, Map.of("HADOOP_CONF_DIR", confDir.toString(),
                "YARN_CONF_DIR", confDir.toString()));
    }

    /** How many applications the ResourceManager has been given so far. */
    static int applications() {
        return yarn.getResourceManager().getRMContext().getRMApps().size();
    }

    /** The application the ResourceManager was given last. */
    static RMApp newest() {
        return yarn.getResourceManager().getRMContext().getRMApps().values().stream()
                .max(java.util.Comparator.comparing(RMApp::getApplicationId)).orElseThrow();
    }

    /** The application the ResourceManager is running now. */
    static ApplicationId running() {
        return yarn.getResourceManager().getRMContext().getRMApps().values().stream()
                .filter(a -> a.getState() == RMAppState.RUNNING).findFirst().orElseThrow().getApplicationId();
    }

    @Test
    @Order(1)
    void clientModeRunEqualsLocalRun() throws Exception {
        Path out = tmp.resolve("client");
        Runs.Proc p = submit("client", "client", Runs.shortRun(out));
        assertEquals(0, p.waitFor(300), p.out() + p.err());
        System.out.printf("yarn client mode: %.1f s%n", p.seconds());
        String last = Runs.tail(p.out(), 1);
        assertTrue(last.startsWith("done: test accuracy "), last);
        assertTrue(last.endsWith("outputs in " + out), last);
        assertEquals("yarn", Json.readTree(out.resolve("summary.json")).path("spark_master").asText());
        Runs.assertSameParams(reference, out);
    }

    @Test
    @Order(2)
    void clusterModeRunEqualsLocalRun() throws Exception {
        Path out = tmp.resolve("cluster");
        Runs.Proc p = submit("cluster", "cluster", Runs.shortRun(out));
        assertEquals(0, p.waitFor(300), p.out() + p.err());
        System.out.printf("yarn cluster mode: %.1f s%n", p.seconds());
        // The driver's own done line is in its container's stdout; spark-submit's last line is the application's end.
        String last = Runs.tail(p.out(), 1);
        String id = newest().getApplicationId().toString();
        assertEquals("done: " + id + " SUCCEEDED on YARN (the driver's output: yarn logs -applicationId " + id
                + ") | outputs in " + out, last);
        assertEquals(FinalApplicationStatus.SUCCEEDED, newest().getFinalApplicationStatus(), "YARN's record of the run");
        assertEquals("yarn", Json.readTree(out.resolve("summary.json")).path("spark_master").asText());
        assertTrue(Files.isRegularFile(out.resolve("model.onnx")));
        Runs.assertSameParams(reference, out);
    }

    /** The executor JVMs of the running application: containers (children of this JVM's NodeManager) running its backend. */
    static List<ProcessHandle> executors(ApplicationId app) {
        return ProcessHandle.current().descendants().filter(h -> {
            String command = h.info().commandLine().orElse("");
            return h.info().command().orElse("").endsWith("/java") // not the launch script's shell around it
                    && command.contains("CoarseGrainedExecutorBackend") && command.contains("--app-id " + app);
        }).toList();
    }

    @Test
    @Order(3)
    void executorContainerKilledMidRunChangesNothing() throws Exception {
        Path local = tmp.resolve("executor-loss-reference");
        Runs.localReference(logs, "executor-loss-reference", local, "--conf", "spark.scratchnet.steps=0",
                "--conf", "spark.scratchnet.epochs=2");

        // As ClusterIT: 2 epochs of 60 steps, a checkpoint every 10; the kill comes with the first one on disk.
        Path out = tmp.resolve("executor-loss");
        Runs.Proc p = submit("executor-loss", "client", Runs.shortRun(out, "--conf", "spark.scratchnet.steps=0",
                "--conf", "spark.scratchnet.epochs=2", "--conf", "spark.scratchnet.checkpoint.every=10"));
        p.await("the first checkpoint", 240, () -> ClusterIT.progressed(out));
        List<ProcessHandle> executors = executors(running());
        assertEquals(2, executors.size(), "two executor containers");
        ClusterIT.assertNativeOpenBlasMapped(executors.get(0));
        ProcessHandle victim = executors.get(0);
        assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid());
        System.out.printf("killed executor container pid %d at %.1f s%n", victim.pid(), p.seconds());
        assertFalse(p.out().contains("done:"), "the kill must land mid-run");
        assertEquals(0, p.waitFor(300), p.err());
        System.out.printf("yarn run with a lost executor: %.1f s%n", p.seconds());
        assertTrue((p.err() + p.log()).contains("Lost executor"), "the driver saw the executor go");
        assertTrue(Runs.tail(p.out(), 1).startsWith("done: test accuracy "), p.out());
        Runs.assertSameParams(local, out);
    }

    /** A run refused before YARN was given an application: exit 2, one line last, no stack trace, nothing written. */
    static String refused(String name, String deployMode, Path out, String... extra) throws Exception {
        int before = applications();
        Runs.Proc p = submit(name, deployMode, Runs.shortRun(out, extra));
        assertEquals(2, p.waitFor(120), p.out() + p.err());
        for (String line : (p.out() + p.err()).lines().toList()) {
            assertFalse(line.matches("\\s+at .*") || line.contains("Caused by:") || line.startsWith("Exception in thread"),
                    name + ": a stack-trace line on the console: " + line + "\n" + p.err());
        }
        assertEquals(before, applications(), name + ": YARN was given an application");
        assertFalse(Files.exists(out.resolve("model.npz")), name + ": a model from a refused run");
        String last = Runs.tail(p.err(), 1);
        System.out.printf("%s: exit 2 after %.1f s: %s%n", name, p.seconds(), last);
        return last;
    }

    @Test
    @Order(4)
    void badSettingIsOneLineBeforeYarnIsAsked() throws Exception {
        for (String mode : List.of("client", "cluster")) {
            String last = refused("bad-setting-" + mode, mode, tmp.resolve("bad-setting-" + mode),
                    "--conf", "spark.scratchnet.batchSize=-1");
            assertTrue(last.startsWith("scratchnet: spark.scratchnet.batchSize"), last);
        }
        // Without the cluster's address: one line from submit.sh, not spark-submit's stack trace.
        List<String> command = new ArrayList<>(List.of(Runs.root().resolve("submit.sh").toString(), "--master", "yarn"));
        command.addAll(Runs.shortRun(tmp.resolve("no-conf-dir")));
        Runs.Proc p = Runs.start(logs, "no-conf-dir", command, Map.of("HADOOP_CONF_DIR", "", "YARN_CONF_DIR", ""));
        assertEquals(2, p.waitFor(60), p.err());
        assertEquals("submit.sh: --master yarn: set HADOOP_CONF_DIR (or YARN_CONF_DIR) to the folder with the cluster's "
                + "yarn-site.xml and core-site.xml", Runs.tail(p.err(), 1));
        // In cluster mode the driver's working folder is a container's: a relative output folder would vanish with it.
        String last = refused("relative-out-cluster", "cluster", Path.of("out/yarn-relative"));
        assertEquals("scratchnet: spark.scratchnet.out=out/yarn-relative is a relative path, but with --deploy-mode "
                + "cluster the driver runs in a container on the cluster, in a working folder of its own: give an "
                + "absolute path every node can reach (hdfs://..., or the same file: path on every node)", last);
    }

    @Test
    @Order(5)
    void moreMemoryThanTheLargestContainerIsOneLineNamingTheSetting() throws Exception {
        String executor = refused("executor-memory-client", "client", tmp.resolve("executor-memory"),
                "--executor-memory", "500g");
        assertTrue(executor.startsWith("scratchnet: spark.executor.memory (--executor-memory) is 512000 MB: "), executor);
        assertTrue(executor.endsWith("more than this YARN cluster's largest, " + MAX_CONTAINER_MB
                + " MB (yarn.scheduler.maximum-allocation-mb)"), executor);
        String driver = refused("driver-memory-cluster", "cluster", tmp.resolve("driver-memory"), "--driver-memory", "8g");
        assertTrue(driver.startsWith("scratchnet: spark.driver.memory (--driver-memory) is 8192 MB: "), driver);
        assertTrue(driver.endsWith("more than this YARN cluster's largest, " + MAX_CONTAINER_MB
                + " MB (yarn.scheduler.maximum-allocation-mb)"), driver);
    }

    /**
     * A run the driver refuses on the cluster (a batch larger than the training set: known only once the driver reads
     * the data's headers): the driver's exit code is spark-submit's, its one line is in its container's stderr, and YARN
     * records one attempt, FAILED (spark.yarn.maxAppAttempts 1 in conf/spark-defaults.conf: no second attempt).
     */
    @Test
    @Order(6)
    void driverFailingInClusterModeEndsWithItsExitCode() throws Exception {
        Path out = tmp.resolve("driver-fails");
        Runs.Proc p = submit("driver-fails", "cluster", Runs.shortRun(out, "--conf", "spark.scratchnet.batchSize=70000"));
        assertEquals(2, p.waitFor(300), p.out() + p.err());
        RMApp app = newest();
        String id = app.getApplicationId().toString();
        assertEquals("scratchnet: " + id + " on YARN: the driver exited with status 2 (its driver's output: yarn logs "
                + "-applicationId " + id + ")", Runs.tail(p.err(), 1));
        assertEquals(FinalApplicationStatus.FAILED, app.getFinalApplicationStatus());
        assertEquals(1, app.getAppAttempts().size(), "attempts");
        Path nmLogs = Path.of(yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS).split(",")[0]);
        Path driverStderr = nmLogs.resolve(id).resolve(app.getCurrentAppAttempt().getMasterContainer().getId().toString())
                .resolve("stderr");
        // The ApplicationMaster logs the exit after it; the driver's own line is its only "scratchnet:" line.
        List<String> lines = Runs.read(driverStderr).lines().filter(l -> l.startsWith("scratchnet: ")).toList();
        System.out.printf("driver failing on YARN: exit 2 after %.1f s; its line: %s%n", p.seconds(), lines);
        assertEquals(List.of("scratchnet: spark.scratchnet.batchSize: 70000 is larger than the training set (60000 "
                + "examples)"), lines, Runs.read(driverStderr));
        assertFalse(Files.exists(out.resolve("model.npz")));
    }
}
