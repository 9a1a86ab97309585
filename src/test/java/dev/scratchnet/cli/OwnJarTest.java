package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * In local mode the application's own jar leaves {@code spark.jars}: the executor is in the driver's JVM and its class
 * loader has the jar already, so Spark's copy of it through its file server (22 MB, 0.3 s) is for nothing. A user's
 * other jars stay, and on any other master nothing changes.
 */
class OwnJarTest {
    /** Where this build's classes are: the jar when run from it, the classes folder in a test. */
    private static final String OWN = codeSource();

    private static String codeSource() {
        try {
            return Path.of(TrainCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toUri().toString();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static SparkConf dropped(String master, String jars) {
        SparkConf conf = new SparkConf(false).set("spark.master", master).set("spark.jars", jars);
        TrainCommand.withoutOwnJarInLocalMode(conf);
        return conf;
    }

    @Test
    void leavesSparkJarsInLocalModeOnly() {
        assertFalse(dropped("local[*]", OWN).contains("spark.jars"));
        assertFalse(dropped("local", OWN).contains("spark.jars"));
        assertFalse(dropped("local[2,3]", OWN).contains("spark.jars"));
        assertEquals("file:/elsewhere/udf.jar", dropped("local[2]", OWN + ",file:/elsewhere/udf.jar").get("spark.jars"));
        assertEquals("hdfs://nn/x.jar", dropped("local[2]", "hdfs://nn/x.jar," + OWN).get("spark.jars"));
        assertEquals(OWN, dropped("local-cluster[2,1,1024]", OWN).get("spark.jars"), "executors of their own need it");
        assertEquals(OWN, dropped("spark://host:7077", OWN).get("spark.jars"));
        assertEquals(OWN, dropped("yarn", OWN).get("spark.jars"));
    }
}
