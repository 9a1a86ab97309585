package dev.scratchnet.report;

/**
 * A local folder whose files are published to another file system as they are completed: outputs are written
 * locally (atomically, as everywhere) and {@link #sync} makes what changed visible at the destination.
 */
public interface RemoteCopy extends AutoCloseable {
    /**
     * Publishes the files of the local folder that are new or changed since the last sync and removes from the
     * destination those deleted locally, in an order that keeps the destination consistent: {@code .npz} files
     * first, then other files, then {@code checkpoint.json} and {@code summary.json} (which name the others),
     * then deletions.
     */
    void sync();

    /** Where the files go, e.g. {@code hdfs://namenode:8020/runs/a}. */
    String destination();

    /** Stops what keeps the destination reserved for this run (its lock); files stay. */
    @Override
    void close();
}
