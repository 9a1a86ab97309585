package dev.scratchnet.report;

import dev.scratchnet.ScratchnetException;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Line2D;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTitleAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.block.ColumnArrangement;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.VerticalAlignment;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code accuracy.png}: the book's training figure (chapter 4 and 5, {@code train_neuralnet.py}) — accuracy
 * per epoch, "train acc" as a solid line and "test acc" dashed (and "validation acc" dotted when the run
 * holds out a validation split), x axis "epochs", y axis "accuracy" from 0
 * to 1.0, legend in the lower right — rendered headless as a 640×480 PNG.
 *
 * <p>Epochs whose train accuracy is {@code NaN} (train evaluation off) have no train point; when none has
 * one, only the test line is drawn. Rendering needs fonts: on a slim Debian image without them, install
 * {@code fontconfig} and {@code fonts-dejavu-core}.
 */
public final class AccuracyChart {
    /** The PNG's size in pixels, as matplotlib's default figure at 100 dpi. */
    public static final int WIDTH = 640;
    /** The PNG's height in pixels. */
    public static final int HEIGHT = 480;

    private static final Color TRAIN_COLOR = new Color(0x1f, 0x77, 0xb4); // matplotlib's first colour
    private static final Color TEST_COLOR = new Color(0xff, 0x7f, 0x0e); // and its second
    private static final Color VALIDATION_COLOR = new Color(0x2c, 0xa0, 0x2c); // and its third

    private AccuracyChart() {
    }

    /**
     * Renders a small chart into memory on a daemon thread, so that the one-time start-up of AWT, its fonts and
     * the chart classes (about a second on a fresh JVM) overlaps whatever the caller does next (Spark starting,
     * the data loading) instead of delaying the first epoch's chart. Nothing is written; a failure is ignored here
     * and reported by the first {@link #write}.
     */
    public static void warmUpInBackground() {
        Thread t = new Thread(() -> {
            try {
                if (System.getProperty("java.awt.headless") == null) {
                    System.setProperty("java.awt.headless", "true");
                }
                JFreeChart chart = chart(List.of(new EpochMetrics(1, 1, 0, 1, 0.5, Double.NaN, 0.5),
                        new EpochMetrics(2, 2, 0, 1, 0.6, Double.NaN, 0.6)), "warm-up");
                ChartUtils.writeChartAsPNG(java.io.OutputStream.nullOutputStream(), chart, WIDTH, HEIGHT);
            } catch (Throwable e) { // LinkageError, InternalError, IOException: the real write reports it
                // nothing to do
            }
        }, "scratchnet-chart-warm-up");
        t.setDaemon(true);
        t.start();
    }

    /**
     * Renders {@code metrics} to {@code png} atomically.
     *
     * @param title the chart title, or {@code null} / blank for none (the book's figure has none)
     * @throws ScratchnetException when the chart cannot be rendered (e.g. no fonts) or written
     */
    public static void write(Path png, List<EpochMetrics> metrics, String title) {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
        JFreeChart chart;
        try {
            chart = chart(metrics, title);
        } catch (LinkageError | InternalError | RuntimeException e) {
            // Missing fonts surface as UnsatisfiedLinkError, InternalError("Fontconfig head is null"),
            // a NullPointerException inside sun.awt, or later as NoClassDefFoundError.
            throw renderingFailed(png, e);
        }
        try {
            AtomicFiles.write(png, out -> ChartUtils.writeChartAsPNG(out, chart, WIDTH, HEIGHT));
        } catch (LinkageError | InternalError e) {
            throw renderingFailed(png, e);
        } catch (ScratchnetException e) {
            throw e;
        } catch (RuntimeException e) {
            throw renderingFailed(png, e);
        }
    }

    private static ScratchnetException renderingFailed(Path png, Throwable e) {
        return new ScratchnetException("cannot render " + png + ": " + AtomicFiles.oneLine(e)
                + " (on Debian, install the packages fontconfig and fonts-dejavu-core)", e);
    }

    private static void addPoint(XYSeries series, int epoch, double accuracy) {
        if (Double.isFinite(accuracy)) {
            series.add(epoch, accuracy);
        }
    }

    /** Adds {@code series} when it has points (the test line always, when there is nothing else to draw). */
    private static void addSeries(XYSeriesCollection dataset, XYLineAndShapeRenderer renderer, XYSeries series,
                                  Color color, BasicStroke stroke) {
        if (series.getItemCount() == 0 && !series.getKey().equals("test acc")) {
            return;
        }
        renderer.setSeriesPaint(dataset.getSeriesCount(), color);
        renderer.setSeriesStroke(dataset.getSeriesCount(), stroke);
        dataset.addSeries(series);
    }

    private static JFreeChart chart(List<EpochMetrics> metrics, String title) {
        XYSeries train = new XYSeries("train acc", false, true);
        XYSeries validation = new XYSeries("validation acc", false, true);
        XYSeries test = new XYSeries("test acc", false, true);
        for (EpochMetrics m : metrics) {
            addPoint(train, m.epoch(), m.trainAccuracy());
            addPoint(validation, m.epoch(), m.validationAccuracy());
            addPoint(test, m.epoch(), m.testAccuracy());
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        BasicStroke solid = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND);
        BasicStroke dashed = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {7f, 4f}, 0f);
        BasicStroke dotted = new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f,
                new float[] {2f, 3f}, 0f);
        addSeries(dataset, renderer, train, TRAIN_COLOR, solid);
        addSeries(dataset, renderer, validation, VALIDATION_COLOR, dotted);
        if (dataset.getSeriesCount() == 0 || test.getItemCount() > 0) {
            addSeries(dataset, renderer, test, TEST_COLOR, dashed);
        }
        renderer.setLegendLine(new Line2D.Double(-14, 0, 14, 0));

        Font labelFont = new Font(Font.SANS_SERIF, Font.PLAIN, 14);
        Font tickFont = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
        NumberAxis x = new NumberAxis("epochs");
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        x.setLabelFont(labelFont);
        x.setTickLabelFont(tickFont);
        NumberAxis y = new NumberAxis("accuracy");
        y.setRange(0.0, 1.0);
        y.setTickUnit(new NumberTickUnit(0.2, new DecimalFormat("0.0", DecimalFormatSymbols.getInstance(Locale.ROOT))));
        y.setLabelFont(labelFont);
        y.setTickLabelFont(tickFont);

        XYPlot plot = new XYPlot(dataset, x, y, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.BLACK);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        // Stacked entries, as matplotlib draws them.
        ColumnArrangement column = new ColumnArrangement(HorizontalAlignment.LEFT, VerticalAlignment.CENTER, 0, 2);
        LegendTitle legend = new LegendTitle(renderer, column, column);
        legend.setItemFont(tickFont);
        legend.setBackgroundPaint(new Color(255, 255, 255, 220));
        legend.setFrame(new BlockBorder(new Color(0xcc, 0xcc, 0xcc)));
        legend.setPadding(new RectangleInsets(4, 6, 4, 6));
        legend.setItemLabelPadding(new RectangleInsets(2, 6, 2, 2));
        XYTitleAnnotation legendBox = new XYTitleAnnotation(0.98, 0.03, legend, RectangleAnchor.BOTTOM_RIGHT);
        plot.addAnnotation(legendBox);

        JFreeChart chart = new JFreeChart(plot);
        chart.removeLegend();
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(10, 10, 10, 20));
        if (title != null && !title.isBlank()) {
            chart.setTitle(new TextTitle(title, new Font(Font.SANS_SERIF, Font.PLAIN, 16)));
        }
        return chart;
    }
}
