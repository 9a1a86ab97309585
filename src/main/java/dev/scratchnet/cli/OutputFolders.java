package dev.scratchnet.cli;

import dev.scratchnet.config.Configuration;
import dev.scratchnet.report.RemoteCopy;
import dev.scratchnet.report.RunLock;
import dev.scratchnet.spark.HadoopCopy;
import dev.scratchnet.training.OutputSettings;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import scala.Tuple2;

/**
 * Where a run writes: its output and checkpoint folders, each a local folder (locked with {@link RunLock}) or a
 * Hadoop URI such as {@code hdfs://…} (written through a local staging folder that {@link HadoopCopy} publishes
 * and locks). The run itself only ever sees local paths.
 */
final class OutputFolders implements AutoCloseable {
    final Path out;
    final Path checkpoint;
    /** The checkpoint folder as the user named it, for messages. */
    final String checkpointName;
    final List<RemoteCopy> remotes;
    private final List<AutoCloseable> held;

    private OutputFolders(Path out, Path checkpoint, String checkpointName, List<RemoteCopy> remotes,
                          List<AutoCloseable> held) {
        this.out = out;
        this.checkpoint = checkpoint;
        this.checkpointName = checkpointName;
        this.remotes = remotes;
        this.held = held;
    }

    /** Reserves the configured folders for this run; for a resume, brings a remote checkpoint into its staging. */
    static OutputFolders open(Configuration config, SparkConf sparkConf) {
        String outName = config.get(OutputSettings.OUT);
        String checkpointSetting = config.get(OutputSettings.CHECKPOINT_DIR);
        String checkpointName = OutputSettings.checkpointFolder(config);
        List<AutoCloseable> held = new ArrayList<>();
        List<RemoteCopy> remotes = new ArrayList<>();
        List<RunLock.Folder> local = new ArrayList<>();
        boolean resume = config.get(OutputSettings.RESUME);
        try {
            Path out;
            if (HadoopCopy.isRemote(outName)) {
                HadoopCopy copy = HadoopCopy.open(outName, hadoop(sparkConf), "output folder (" + OutputSettings.OUT.key() + ")");
                held.add(copy);
                remotes.add(copy);
                out = copy.staging();
                // An earlier run's files, so that this run's first write removes them there too (see RunOutputs).
                copy.download("");
                if (resume && checkpointSetting.isEmpty()) {
                    copy.download("checkpoint");
                }
            } else {
                out = Path.of(outName);
                local.add(new RunLock.Folder("output folder (" + OutputSettings.OUT.key() + ")", out));
            }
            Path checkpoint;
            if (checkpointSetting.isEmpty()) {
                checkpoint = out.resolve("checkpoint");
            } else if (HadoopCopy.isRemote(checkpointSetting)) {
                HadoopCopy copy = HadoopCopy.open(checkpointSetting, hadoop(sparkConf),
                        "checkpoint folder (" + OutputSettings.CHECKPOINT_DIR.key() + ")");
                held.add(copy);
                remotes.add(copy);
                checkpoint = copy.staging();
                if (resume) {
                    copy.download("");
                }
            } else {
                checkpoint = Path.of(checkpointSetting);
                local.add(new RunLock.Folder("checkpoint folder (" + OutputSettings.CHECKPOINT_DIR.key() + ")", checkpoint));
            }
            if (!local.isEmpty()) {
                held.add(RunLock.acquire(local));
            }
            return new OutputFolders(out, checkpoint, checkpointName, List.copyOf(remotes), held);
        } catch (RuntimeException e) {
            new OutputFolders(null, null, null, List.of(), held).close();
            throw e;
        }
    }

    /** A Hadoop configuration with the {@code spark.hadoop.*} settings, as Spark builds its own. */
    static org.apache.hadoop.conf.Configuration hadoop(SparkConf sparkConf) {
        org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration();
        for (Tuple2<String, String> kv : sparkConf.getAll()) {
            if (kv._1().startsWith("spark.hadoop.")) {
                conf.set(kv._1().substring("spark.hadoop.".length()), kv._2());
            }
        }
        return conf;
    }

    /** Releases the locks (and staging folders); what was published stays. */
    @Override
    public void close() {
        RuntimeException first = null;
        for (AutoCloseable c : held) {
            try {
                c.close();
            } catch (Exception e) {
                if (first == null) {
                    first = new IllegalStateException("cannot release an output folder", e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
