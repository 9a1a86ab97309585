package dev.scratchnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/**
 * Spark 4.2's YARN client messages (Client.verifyClusterResources, as thrown) become one line naming the setting; YarnIT
 * sees the executor's in client mode and the driver's in cluster mode on a real MiniYARNCluster.
 */
class YarnLimitsTest {
    static final String EXECUTOR = "Required executor memory (512000 MB), offHeap memory (0) MB, overhead (51200 MB), and "
            + "PySpark memory (0 MB) is above the max threshold (4096 MB) of this cluster! Please check the values of "
            + "'yarn.scheduler.maximum-allocation-mb' and/or 'yarn.nodemanager.resource.memory-mb'.";
    static final String AM = "Required AM memory (8192+819 MB) is above the max threshold (4096 MB) of this cluster! "
            + "Please check the values of 'yarn.scheduler.maximum-allocation-mb' and/or 'yarn.nodemanager.resource.memory-mb'.";

    @Test
    void executorMemoryNamesTheExecutorSetting() {
        // As the driver's SparkContext throws it in client mode: wrapped.
        Exception e = new IllegalStateException("start", new IllegalArgumentException(EXECUTOR));
        assertEquals("spark.executor.memory (--executor-memory) is 512000 MB: with 51200 MB of overhead "
                + "(spark.executor.memoryOverhead) an executor's container would be 563200 MB, more than this YARN "
                + "cluster's largest, 4096 MB (yarn.scheduler.maximum-allocation-mb)", YarnLimits.explain(e, false));
    }

    @Test
    void applicationMasterMemoryIsTheDriversInClusterModeAndItsOwnInClientMode() {
        IllegalArgumentException e = new IllegalArgumentException(AM);
        assertEquals("spark.driver.memory (--driver-memory) is 8192 MB: with 819 MB of overhead "
                + "(spark.driver.memoryOverhead) the application master's container would be 9011 MB, more than this "
                + "YARN cluster's largest, 4096 MB (yarn.scheduler.maximum-allocation-mb)", YarnLimits.explain(e, true));
        assertEquals("spark.yarn.am.memory is 8192 MB: with 819 MB of overhead (spark.yarn.am.memoryOverhead) the "
                + "application master's container would be 9011 MB, more than this YARN cluster's largest, 4096 MB "
                + "(yarn.scheduler.maximum-allocation-mb)", YarnLimits.explain(e, false));
    }

    @Test
    void anythingElseIsNotExplained() {
        assertNull(YarnLimits.explain(new IllegalArgumentException("no such master"), false));
        assertNull(YarnLimits.explain(new IllegalStateException(EXECUTOR), false));
    }
}
