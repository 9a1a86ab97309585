package dev.scratchnet.cli;

import dev.scratchnet.ScratchnetException;
import dev.scratchnet.config.Configuration;
import dev.scratchnet.config.Setting;
import dev.scratchnet.registry.DataSettings;
import dev.scratchnet.registry.Settings;
import dev.scratchnet.training.OutputSettings;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.yarn.api.records.ApplicationId;
import org.apache.hadoop.yarn.api.records.ApplicationReport;
import org.apache.hadoop.yarn.client.api.YarnClient;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.spark.deploy.SparkSubmit;
import org.apache.spark.deploy.SparkSubmitArguments;

/**
 * spark-submit for a driver that runs on the cluster ({@code --deploy-mode cluster}), which {@code submit.sh} starts in
 * place of Spark's {@code SparkSubmit} (whose {@code main} it calls): so the driver's one-line checks still come before
 * the cluster is asked for anything.
 * <ul>
 *   <li>the {@code spark.scratchnet.*} settings are checked here, and a path that is relative (the driver's working
 *   folder is a container's, deleted when it ends) is refused: one line, exit 2, nothing submitted;</li>
 *   <li>on YARN, a container larger than the cluster's largest is one line naming the setting ({@link YarnLimits});</li>
 *   <li>the run ends as the application did: {@code done: <id> SUCCEEDED on YARN ...}, or one line with the driver's
 *   own exit code (YARN's diagnostics say "User application exited with status N").</li>
 * </ul>
 */
public final class ClusterSubmit {
    private ClusterSubmit() {}

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Map<String, String> properties = sparkProperties(args);
        boolean yarn = properties != null && "yarn".equals(properties.get("spark.master"));
        List<String> argv = new ArrayList<>(Arrays.asList(args));
        String tag = "scratchnet-submit-" + UUID.randomUUID();
        Configuration config = null;
        if (properties != null) {
            try {
                config = checkSettings(properties);
            } catch (ScratchnetException e) {
                err.println("scratchnet: " + e.getMessage());
                return Main.USER_ERROR;
            }
            if (yarn) {
                // A tag of this submission's own, by which YARN finds the application again when it is over.
                String tags = properties.getOrDefault("spark.yarn.tags", "");
                argv.addAll(0, List.of("--conf", "spark.yarn.tags=" + (tags.isEmpty() ? "" : tags + ",") + tag));
            }
        }
        try {
            SparkSubmit.main(argv.toArray(new String[0]));
        } catch (Throwable e) {
            return failure(e, properties, err);
        }
        if (yarn && config != null) {
            ApplicationReport report = report(properties, tag, null); // null: a spark.yarn.tags of the user's replaced ours
            String id = report == null ? null : report.getApplicationId().toString();
            out.println("done: " + (id == null ? "the application ended on YARN"
                    : id + " " + report.getFinalApplicationStatus() + " on YARN (the driver's output: yarn logs "
                    + "-applicationId " + id + ")") + " | outputs in " + config.get(OutputSettings.OUT));
        }
        return Main.OK;
    }

    /** spark-submit's properties as it reads them (its conf dir's defaults, the properties file, every --conf), or null. */
    static Map<String, String> sparkProperties(String[] args) {
        try {
            SparkSubmitArguments parsed = new SparkSubmitArguments(
                    scala.jdk.javaapi.CollectionConverters.asScala(Arrays.asList(args)).toList(), scala.sys.package$.MODULE$.env());
            Map<String, String> properties = new LinkedHashMap<>(scala.jdk.javaapi.CollectionConverters.asJava(parsed.sparkProperties()));
            if (parsed.master() != null) {
                properties.put("spark.master", parsed.master());
            }
            return properties;
        } catch (Exception e) { // arguments spark-submit refuses: it says so itself, below
            return null;
        }
    }

    /** The settings as the driver will check them, and no relative path: the driver's working folder is a container's. */
    static Configuration checkSettings(Map<String, String> properties) {
        Configuration config = Settings.parse(properties);
        DataSettings.checkPaths(config);
        List<Setting<String>> paths = new ArrayList<>(List.of(OutputSettings.OUT, OutputSettings.CHECKPOINT_DIR,
                DataSettings.TRAIN, DataSettings.TEST));
        if (config.get(DataSettings.FORMAT) == DataSettings.Format.MNIST) {
            paths.add(DataSettings.DATA_DIR);
        }
        for (Setting<String> path : paths) {
            String value = config.get(path);
            if (!value.isEmpty() && !value.startsWith("/") && !DataSettings.hasScheme(value)) {
                throw new ScratchnetException(path.key() + "=" + value + " is a relative path, but with --deploy-mode "
                        + "cluster the driver runs in a container on the cluster, in a working folder of its own: give "
                        + "an absolute path every node can reach (hdfs://..., or the same file: path on every node)");
            }
        }
        return config;
    }

    private static final Pattern FAILED = Pattern.compile("Application (application_\\d+_\\d+) (finished with failed "
            + "status|is killed)");
    private static final Pattern EXIT_STATUS = Pattern.compile("User application exited with status (\\d+)");

    /** One line for a submission that failed, and the exit code: the driver's own when YARN reports it. */
    static int failure(Throwable e, Map<String, String> properties, PrintStream err) {
        String tooBig = YarnLimits.explain(e, true);
        if (tooBig != null) {
            err.println("scratchnet: " + tooBig);
            return Main.USER_ERROR;
        }
        Matcher failed = FAILED.matcher(String.valueOf(e.getMessage()));
        if (failed.find() && properties != null) {
            String id = failed.group(1);
            ApplicationReport report = report(properties, null, ApplicationId.fromString(id));
            Matcher status = EXIT_STATUS.matcher(report == null ? "" : String.valueOf(report.getDiagnostics()));
            String logs = "its driver's output: yarn logs -applicationId " + id;
            if (status.find()) {
                err.println("scratchnet: " + id + " on YARN: the driver exited with status " + status.group(1)
                        + " (" + logs + ")");
                return Integer.parseInt(status.group(1));
            }
            err.println("scratchnet: " + id + " on YARN " + failed.group(2) + " (" + logs + ")");
            return Main.INTERNAL_ERROR;
        }
        if (e instanceof org.apache.spark.SparkException || e instanceof IllegalArgumentException) {
            // spark-submit's own refusal of its arguments or of the master (e.g. cluster mode with a local master)
            String first = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.getClass().getName());
            SparkConsole.recordTrace("spark-submit refused", e);
            err.println("scratchnet: spark-submit: " + first);
            return Main.USER_ERROR;
        }
        return Main.failure(e, err);
    }

    /** YARN's report of the application tagged {@code tag} (or of {@code id}), or null when YARN cannot say. */
    private static ApplicationReport report(Map<String, String> properties, String tag, ApplicationId id) {
        YarnConfiguration conf = new YarnConfiguration(); // yarn-site.xml from HADOOP_CONF_DIR / YARN_CONF_DIR
        properties.forEach((k, v) -> {
            if (k.startsWith("spark.hadoop.")) {
                conf.set(k.substring("spark.hadoop.".length()), v);
            }
        });
        try (YarnClient yarn = YarnClient.createYarnClient()) {
            yarn.init(conf);
            yarn.start();
            if (id != null) {
                return yarn.getApplicationReport(id);
            }
            List<ApplicationReport> tagged = yarn.getApplications(null, EnumSet.allOf(
                    org.apache.hadoop.yarn.api.records.YarnApplicationState.class), Set.of(tag));
            return tagged.size() == 1 ? tagged.get(0) : null;
        } catch (Exception e) {
            return null;
        }
    }
}
