package dev.ssmc.compiler.train;

import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.train.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The learning curves of a training run as a PNG: training loss, training and validation accuracy per epoch. */
public final class LearningCurves {
    private LearningCurves() {
    }

    public static void write(Path png, String title, List<Trainer.Epoch> epochs) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double[] x = new double[epochs.size()];
        double[] loss = new double[epochs.size()];
        double[] train = new double[epochs.size()];
        double[] val = new double[epochs.size()];
        for (int i = 0; i < x.length; i++) {
            Trainer.Epoch e = epochs.get(i);
            x[i] = e.epoch() + 1;
            loss[i] = e.trainLoss();
            train[i] = 100 * e.trainAccuracy();
            val[i] = 100 * e.validationAccuracy();
        }
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("epoch")
                .yAxisTitle("accuracy (%)").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
        chart.addSeries("train accuracy", x, train);
        chart.addSeries("validation accuracy", x, val);
        chart.addSeries("train loss", x, loss).setYAxisGroup(1);
        chart.setYAxisGroupTitle(1, "loss");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        // whole or not at all: a run killed while drawing keeps the previous epoch's curves
        AtomicFile.write(png, out -> BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG));
    }

}
