package dev.scratchnet.bench;

import dev.scratchnet.config.Configuration;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * A cost model of a synchronous step against the number of executors {@code N}, fitted to the scale-out part's
 * per-step times: {@code step(N) = C / N + a + b·N}, the compute {@code C} shared out, a fixed cost {@code a} (the
 * driver's broadcast, the job's scheduling, the update) and a cost {@code b} per executor (a task launched, a result
 * of the whole gradient's size brought to the driver and added). It pays to add executors while
 * {@code C / N² > b}, so the fastest step is at {@code N* = √(C / b)}. For a network 10× wider, {@code C} and the
 * gradient's bytes grow 10×: {@code N*} stays where it is if {@code b} is all bytes, and grows √10× if none of it is.
 */
final class ScalingModel {
    private ScalingModel() {}

    /**
     * Refits the model to a benchmark's JSON (its {@code scale_out} and {@code step_cost} parts) and redraws the plot:
     * {@code ScalingModel BENCH_JSON CONF PNG}.
     */
    public static void main(String[] args) throws IOException {
        Map<String, Object> json = Benchmark.cast(dev.scratchnet.report.Json.mapper().readValue(Path.of(args[0]).toFile(),
                Map.class));
        Configuration config = dev.scratchnet.registry.Settings.parse(Benchmark.readConf(Path.of(args[1])));
        Map<String, Object> m = fit(Benchmark.cast(json.get("scale_out")), Benchmark.cast(json.get("step_cost")), config,
                Path.of(args[2]));
        m.forEach((k, v) -> System.out.println(k + " = " + v));
    }

    /**
     * Fits the model to the scale-out runs {@code scale} (their {@code cluster_N_worker(s)} medians), falling back for
     * {@code b} to the local empty-step slope of {@code stepCost} (may be null) when the three points alone give no
     * positive one; writes the plot to {@code png}.
     */
    static Map<String, Object> fit(Map<String, Object> scale, Map<String, Object> stepCost, Configuration config,
                                   Path png) throws IOException {
        List<double[]> points = new ArrayList<>();
        for (int n : ScaleOut.WORKERS) {
            Map<String, Object> r = Benchmark.cast(scale.get("cluster_" + n + "_worker" + (n > 1 ? "s" : "")));
            if (r != null) {
                points.add(new double[] {n, (double) r.get("later_step_ms_median")});
            }
        }
        double[] abc = leastSquares(points);
        double c = abc[0];
        double a = abc[1];
        double b = abc[2];
        String bFrom = "fitted";
        if (b <= 0 && stepCost != null) {
            b = emptyStepSlope(stepCost);
            bFrom = "local empty-step slope";
            double[] ca = leastSquaresFixedB(points, b);
            c = ca[0];
            a = ca[1];
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("points_n_ms", points);
        m.put("compute_ms", c);
        m.put("fixed_ms", a);
        m.put("per_executor_ms", b);
        m.put("per_executor_from", bFrom);
        m.put("formula", String.format(Locale.ROOT, "step(N) = %.1f / N + %.1f + %.2f N ms", c, a, b));
        int best = b > 0 ? (int) Math.max(1, Math.round(Math.sqrt(c / b))) : 64;
        int bestWideBytes = best;
        int bestWideNoBytes = b > 0 ? (int) Math.max(1, Math.round(Math.sqrt(10 * c / b))) : 64;
        m.put("best_n", best);
        m.put("best_n_wide", bestWideBytes + " to " + bestWideNoBytes);
        for (int n : new int[] {1, 2, 4, 16, 64}) {
            m.put("step_ms_" + n, c / n + a + b * n);
            m.put("step_ms_" + n + "_wide_bytes", 10 * c / n + 10 * a + 10 * b * n);
            m.put("step_ms_" + n + "_wide_no_bytes", 10 * c / n + a + b * n);
        }
        m.put("batch", ScaleOut.CLUSTER_BATCH);
        // On this machine the executors share two cores with each other (and with whatever else runs), so the fit's b
        // holds that contention. Projected for executors with a core each: b from the driver's own cost a partition
        // (the local empty step's slope), C the compute of a step on one core (the local run: epoch mode, no Spark
        // cost a step, scaled to the cluster batch), a what the one-worker step has left.
        Map<String, Object> local = Benchmark.cast(scale.get("local[2]"));
        double bOwn = stepCost == null ? Double.NaN : emptyStepSlope(stepCost);
        double cOwn = local == null ? Double.NaN : (double) local.get("later_step_ms_median")
                * ScaleOut.CLUSTER_BATCH / config.get(dev.scratchnet.training.TrainingSettings.BATCH_SIZE);
        double aOwn = points.isEmpty() ? Double.NaN : points.get(0)[1] - cOwn - bOwn;
        if (bOwn > 0 && cOwn > 0) {
            m.put("own_core_compute_ms", cOwn);
            m.put("own_core_fixed_ms", aOwn);
            m.put("own_core_per_executor_ms", bOwn);
            m.put("own_core_formula", String.format(Locale.ROOT, "step(N) = %.1f / N + %.1f + %.2f N ms", cOwn, aOwn, bOwn));
            m.put("own_core_best_n", (int) Math.max(1, Math.round(Math.sqrt(cOwn / bOwn))));
            m.put("own_core_best_n_wide", Math.max(1, Math.round(Math.sqrt(cOwn / bOwn))) + " to "
                    + Math.max(1, Math.round(Math.sqrt(10 * cOwn / bOwn))));
            for (int n : new int[] {1, 2, 4, 16, 64}) {
                m.put("own_core_step_ms_" + n, cOwn / n + aOwn + bOwn * n);
                m.put("own_core_step_ms_" + n + "_wide_bytes", 10 * (cOwn / n + aOwn + bOwn * n));
                m.put("own_core_step_ms_" + n + "_wide_no_bytes", 10 * cOwn / n + aOwn + bOwn * n);
            }
        }
        plot(points, c, a, b, cOwn, aOwn, bOwn, png);
        m.put("plot", png.toString());
        return m;
    }

    /** The slope in partitions of the local empty step (ms per partition), from the step part's 2- and 32-partition runs. */
    static double emptyStepSlope(Map<String, Object> stepCost) {
        Map<String, Object> two = Benchmark.cast(stepCost.get("step_mode_2_depth_1"));
        Map<String, Object> many = Benchmark.cast(stepCost.get("step_mode_32_depth_1"));
        if (two == null || many == null) {
            return Double.NaN;
        }
        return ((double) many.get("step_ms") - (double) two.get("step_ms")) / 30;
    }

    /** {@code (C, a, b)} minimizing the squared error of {@code C/N + a + bN} over the points. */
    static double[] leastSquares(List<double[]> points) {
        double[][] ata = new double[3][3];
        double[] atb = new double[3];
        for (double[] p : points) {
            double[] row = {1 / p[0], 1, p[0]};
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    ata[i][j] += row[i] * row[j];
                }
                atb[i] += row[i] * p[1];
            }
        }
        return solve(ata, atb);
    }

    /** {@code (C, a)} minimizing the squared error of {@code C/N + a} against the points less {@code bN}. */
    static double[] leastSquaresFixedB(List<double[]> points, double b) {
        double[][] ata = new double[2][2];
        double[] atb = new double[2];
        for (double[] p : points) {
            double[] row = {1 / p[0], 1};
            double y = p[1] - b * p[0];
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    ata[i][j] += row[i] * row[j];
                }
                atb[i] += row[i] * y;
            }
        }
        return solve(ata, atb);
    }

    /** Gaussian elimination with partial pivoting. */
    private static double[] solve(double[][] a, double[] b) {
        int n = b.length;
        for (int k = 0; k < n; k++) {
            int pivot = k;
            for (int i = k + 1; i < n; i++) {
                if (Math.abs(a[i][k]) > Math.abs(a[pivot][k])) {
                    pivot = i;
                }
            }
            double[] t = a[k];
            a[k] = a[pivot];
            a[pivot] = t;
            double tb = b[k];
            b[k] = b[pivot];
            b[pivot] = tb;
            for (int i = k + 1; i < n; i++) {
                double f = a[i][k] / a[k][k];
                for (int j = k; j < n; j++) {
                    a[i][j] -= f * a[k][j];
                }
                b[i] -= f * b[k];
            }
        }
        double[] x = new double[n];
        for (int i = n - 1; i >= 0; i--) {
            double s = b[i];
            for (int j = i + 1; j < n; j++) {
                s -= a[i][j] * x[j];
            }
            x[i] = s / a[i][i];
        }
        return x;
    }

    /**
     * The measured points, the model fitted to them, and the projection for executors with a core each, for this
     * network and one 10× wider (both bounds), N from 1 to 64.
     */
    private static void plot(List<double[]> points, double c, double a, double b, double cOwn, double aOwn, double bOwn,
                             Path png) throws IOException {
        XYSeries measured = new XYSeries("measured: 784-256-10, batch 2000, 1-core workers sharing one 2-core machine");
        for (double[] p : points) {
            measured.add(p[0], p[1]);
        }
        XYSeriesCollection data = new XYSeriesCollection();
        data.addSeries(measured);
        data.addSeries(curve("fitted to the points (this machine)", c, a, b, 1, 1));
        if (bOwn > 0 && cOwn > 0) {
            data.addSeries(curve("projected, a core per executor", cOwn, aOwn, bOwn, 1, 1));
            data.addSeries(curve("projected, 10x wider, fixed costs 10x (all bytes)", cOwn, aOwn, bOwn, 10, 10));
            data.addSeries(curve("projected, 10x wider, fixed costs as now", cOwn, aOwn, bOwn, 10, 1));
        }
        JFreeChart chart = ChartFactory.createXYLineChart("A synchronous step against executors: C/N + a + bN",
                "executors N (one partition each)", "ms per step", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        LogAxis x = new LogAxis("executors N (one partition each)");
        x.setBase(2);
        x.setSmallestValue(1);
        x.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        x.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(1.0)); // in powers of 2: 1, 2, 4, … 64
        plot.setDomainAxis(x);
        LogAxis y = new LogAxis("ms per step");
        y.setBase(10);
        y.setNumberFormatOverride(new java.text.DecimalFormat("0"));
        plot.setRangeAxis(y);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
        r.setSeriesLinesVisible(0, false);
        r.setSeriesShapesVisible(0, true);
        Color[] colors = {Color.BLACK, Color.GRAY, new Color(0, 90, 180), new Color(200, 60, 0), new Color(0, 150, 70)};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            r.setSeriesPaint(i, colors[i]);
            if (i > 0) {
                r.setSeriesShapesVisible(i, false);
                r.setSeriesStroke(i, new BasicStroke(2f));
            }
        }
        plot.setRenderer(r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        Files.createDirectories(png.toAbsolutePath().getParent());
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
    }

    /** {@code computeScale·C/N + fixedScale·(a + bN)} for N = 1 … 64. */
    private static XYSeries curve(String name, double c, double a, double b, double computeScale, double fixedScale) {
        XYSeries s = new XYSeries(name);
        for (int n = 1; n <= 64; n++) {
            s.add(n, computeScale * c / n + fixedScale * (a + b * n));
        }
        return s;
    }
}
