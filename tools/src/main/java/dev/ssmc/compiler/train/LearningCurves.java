package dev.ssmc.compiler.train;

import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The learning curves of a training run as a PNG: training loss, and the task's metric on training and validation data, per epoch. */
public final class LearningCurves {
    private LearningCurves() {
    }

    /**
     * @param metric  the metric's name ({@code accuracy}, {@code si_snri_db}, {@code wer})
     * @param percent whether it is a fraction to show as a percentage
     */
    public static void write(Path png, String title, List<Trainer.Epoch> epochs, String metric, boolean percent)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] x = new double[epochs.size()];
        double[] loss = new double[epochs.size()];
        double[] train = new double[epochs.size()];
        double[] val = new double[epochs.size()];
        for (int i = 0; i < x.length; i++) {
            Trainer.Epoch e = epochs.get(i);
            x[i] = e.epoch() + 1;
            loss[i] = e.trainLoss();
            double scale = percent ? 100 : 1;
            train[i] = scale * e.trainMetric();
            val[i] = scale * e.validationMetric();
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("epoch")
                .yAxisTitle(metric + (percent ? " (%)" : "")).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        addFinite(chart, "train " + metric, x, train);
        addFinite(chart, "validation " + metric, x, val);
        chart.addSeries("train loss", x, loss).setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "loss");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        // whole or not at all: a run killed while drawing keeps the previous epoch's curves
        AtomicFile.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

    /** The series' measured points: a task without a training metric, or a run without validation, logs NaN. */
    private static void addFinite(XYChart chart, String name, double[] x, double[] y) {
        int[] kept = IntStream.range(0, y.length).filter(i -> Double.isFinite(y[i])).toArray();
        if (kept.length > 0) {
            chart.addSeries(name, Arrays.stream(kept).mapToDouble(i -> x[i]).toArray(),
                    Arrays.stream(kept).mapToDouble(i -> y[i]).toArray());
        }
    }

}
