package dev.ssmc.compiler.train;

import dev.ssmc.runtime.fft.RealFft;
import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.train.NoisyPair;
import dev.ssmc.runtime.train.SiSnr;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * A denoiser's work as a picture: the spectrograms of the noisy input, the denoised output and the
 * clean speech side by side in one PNG, each panel titled (with its SI-SNR against the clean
 * speech) and with time and frequency axes, and a colour bar.
 *
 * <p>A spectrogram is the power of a short-time Fourier transform in dB: frames of about 32 ms
 * (the power of two at or above {@code 0.032 R} samples) every quarter frame, centered, zeros
 * outside the signal, under a periodic Hann window. All three panels share one colour scale, from
 * the loudest bin of any of them down {@value #RANGE_DB} dB (quieter bins are all the darkest
 * colour), so that a colour means the same level in each; the colours are viridis', whose
 * lightness rises steadily with the level and which reads in grey and to colour-blind eyes. A
 * panel is always {@value #PANEL_WIDTH} by {@value #PANEL_HEIGHT} pixels whatever the signal's
 * length: time is stretched to fit, frequency runs linearly from 0 to Nyquist.
 *
 * <p>Drawn with the JDK alone, headless.
 */
public final class Spectrograms {
    static final int PANEL_WIDTH = 360;
    static final int PANEL_HEIGHT = 240;
    static final double RANGE_DB = 80;
    private static final int LEFT = 64;
    private static final int GAP = 48;
    private static final int TOP = 64;
    private static final int BOTTOM = 52;
    private static final int RIGHT = 96;
    private static final int BAR_WIDTH = 16;
    private static final List<String> PANELS = List.of("noisy", "denoised", "clean");
    /** Viridis at 0, 1/8, ..., 1 (matplotlib's), interpolated linearly in between. */
    private static final int[] VIRIDIS = {0x440154, 0x482878, 0x3E4A89, 0x31688E, 0x26828E, 0x1F9E89, 0x35B779,
        0x6DCD59, 0xFDE725};

    private Spectrograms() {
    }

    /** The picture's width in pixels. */
    public static int width() {
        return LEFT + 3 * PANEL_WIDTH + 2 * GAP + RIGHT;
    }

    /** The picture's height in pixels. */
    public static int height() {
        return TOP + PANEL_HEIGHT + BOTTOM;
    }

    /** {@link #write(Path, String, int, float[], float[], float[])} of a pair, titled with its name. */
    public static void write(Path png, NoisyPair pair, float[] denoised, int sampleRate) throws IOException {
        write(png, pair.name(), sampleRate, pair.noisy(), denoised, pair.clean());
    }

    /**
     * Writes the picture (whole or not at all).
     *
     * @throws IllegalArgumentException if the three signals differ in length or are empty
     */
    public static void write(Path png, String title, int sampleRate, float[] noisy, float[] denoised, float[] clean)
            throws IOException {
        BufferedImage image = draw(title, sampleRate, noisy, denoised, clean);
        AtomicFile.write(png, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new IOException(png + ": this Java has no PNG writer");
            }
        });
    }

    /** The picture, in memory. */
    static BufferedImage draw(String title, int sampleRate, float[] noisy, float[] denoised, float[] clean) {
        if (noisy.length != clean.length || denoised.length != clean.length || clean.length == 0) {
            throw new IllegalArgumentException("the noisy (" + noisy.length + " samples), denoised (" + denoised.length
                    + ") and clean (" + clean.length + ") signals must be equally long and not empty");
        }
        System.setProperty("java.awt.headless", "true");
        float[][] signals = {noisy, denoised, clean};
        double[][][] spectra = new double[3][][];
        double loudest = Double.NEGATIVE_INFINITY;
        for (int p = 0; p < 3; p++) {
            spectra[p] = powerDb(signals[p], frameSize(sampleRate));
            for (double[] frame : spectra[p]) {
                for (double v : frame) {
                    loudest = Math.max(loudest, v);
                }
            }
        }
        BufferedImage image = new BufferedImage(width(), height(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width(), height());
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            centered(g, title, width() / 2, 22);
            double seconds = (double) clean.length / sampleRate;
            for (int p = 0; p < 3; p++) {
                fillPanel(image, panelX(p), spectra[p], loudest);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
                String name = p == 2 ? PANELS.get(p) : String.format(Locale.ROOT, "%s (SI-SNR %.1f dB)", PANELS.get(p),
                        SiSnr.perItem(signals[p], clean, 1)[0]);
                centered(g, name, panelX(p) + PANEL_WIDTH / 2, TOP - 10);
                axes(g, panelX(p), seconds, sampleRate);
            }
            colourBar(g);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** The left edge of panel {@code p} (0 noisy, 1 denoised, 2 clean). */
    static int panelX(int p) {
        return LEFT + p * (PANEL_WIDTH + GAP);
    }

    /** The top edge of every panel. */
    static int panelY() {
        return TOP;
    }

    /** About 32 ms: the power of two at or above {@code 0.032 R} samples (512 at 16 kHz). */
    static int frameSize(int sampleRate) {
        return Math.max(16, Integer.highestOneBit((int) Math.ceil(0.032 * sampleRate) - 1) << 1);
    }

    /** {@code [frame][bin]} power in dB of centered Hann-windowed frames every {@code n/4} samples. */
    private static double[][] powerDb(float[] x, int n) {
        int hop = n / 4;
        int frames = 1 + x.length / hop;
        float[] framed = new float[frames * n];
        for (int f = 0; f < frames; f++) {
            int start = f * hop - n / 2;
            for (int j = Math.max(0, -start); j < n && start + j < x.length; j++) {
                framed[f * n + j] = (float) (x[start + j] * (0.5 - 0.5 * Math.cos(2 * Math.PI * j / n)));
            }
        }
        RealFft fft = RealFft.forSize(n);
        int bins = fft.bins();
        float[] re = new float[frames * bins];
        float[] im = new float[frames * bins];
        fft.forward(framed, 0, n, n, re, im, 0, bins, frames);
        double[][] db = new double[frames][bins];
        for (int f = 0; f < frames; f++) {
            for (int k = 0; k < bins; k++) {
                double power = (double) re[f * bins + k] * re[f * bins + k] + (double) im[f * bins + k] * im[f * bins + k];
                db[f][k] = 10 * Math.log10(power + 1e-20);
            }
        }
        return db;
    }

    /** Paints a panel's pixels: the nearest frame and bin to each, time rightwards, frequency upwards. */
    private static void fillPanel(BufferedImage image, int x0, double[][] db, double loudest) {
        int frames = db.length;
        int bins = db[0].length;
        for (int px = 0; px < PANEL_WIDTH; px++) {
            int f = (int) Math.round((px + 0.5) / PANEL_WIDTH * (frames - 1));
            for (int py = 0; py < PANEL_HEIGHT; py++) {
                int k = (int) Math.round((PANEL_HEIGHT - py - 0.5) / PANEL_HEIGHT * (bins - 1));
                image.setRGB(x0 + px, TOP + py, colour((db[f][k] - loudest + RANGE_DB) / RANGE_DB));
            }
        }
    }

    /** Viridis at {@code t}, clamped to {@code [0, 1]}, as RGB. */
    static int colour(double t) {
        double u = Math.max(0, Math.min(1, t)) * (VIRIDIS.length - 1);
        int i = Math.min(VIRIDIS.length - 2, (int) u);
        double w = u - i;
        int rgb = 0;
        for (int shift = 16; shift >= 0; shift -= 8) {
            int a = (VIRIDIS[i] >> shift) & 0xff;
            int b = (VIRIDIS[i + 1] >> shift) & 0xff;
            rgb |= (int) Math.round(a + w * (b - a)) << shift;
        }
        return rgb;
    }

    /** A frame, ticks and labels around a panel: time in seconds below, frequency in kHz at the left. */
    private static void axes(Graphics2D g, int x0, double seconds, int sampleRate) {
        g.setColor(Color.BLACK);
        g.setStroke(new BasicStroke(1));
        g.drawRect(x0 - 1, TOP - 1, PANEL_WIDTH + 1, PANEL_HEIGHT + 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int bottom = TOP + PANEL_HEIGHT;
        double timeStep = niceStep(seconds);
        for (double t = 0; t <= seconds + 1e-9; t += timeStep) {
            int x = x0 + (int) Math.round(t / seconds * PANEL_WIDTH);
            g.drawLine(x, bottom, x, bottom + 4);
            centered(g, tick(t), x, bottom + 17);
        }
        centered(g, "time (s)", x0 + PANEL_WIDTH / 2, bottom + 36);
        double nyquistKhz = sampleRate / 2000.0;
        double khzStep = niceStep(nyquistKhz);
        FontMetrics m = g.getFontMetrics();
        for (double k = 0; k <= nyquistKhz + 1e-9; k += khzStep) {
            int y = bottom - (int) Math.round(k / nyquistKhz * PANEL_HEIGHT);
            g.drawLine(x0 - 5, y, x0 - 1, y);
            String label = tick(k);
            g.drawString(label, x0 - 8 - m.stringWidth(label), y + m.getAscent() / 2 - 1);
        }
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2);
        centered(g, "frequency (kHz)", -(TOP + PANEL_HEIGHT / 2), x0 - 34);
        g.setTransform(saved);
    }

    /** The colour scale at the right, in dB below the loudest bin. */
    private static void colourBar(Graphics2D g) {
        int x0 = panelX(3) - GAP + 24;
        for (int py = 0; py < PANEL_HEIGHT; py++) {
            g.setColor(new Color(colour(1 - (py + 0.5) / PANEL_HEIGHT)));
            g.drawLine(x0, TOP + py, x0 + BAR_WIDTH - 1, TOP + py);
        }
        g.setColor(Color.BLACK);
        g.drawRect(x0 - 1, TOP - 1, BAR_WIDTH + 1, PANEL_HEIGHT + 1);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        FontMetrics m = g.getFontMetrics();
        for (int db = 0; db <= RANGE_DB; db += 20) {
            int y = TOP + (int) Math.round(db / RANGE_DB * PANEL_HEIGHT);
            g.drawLine(x0 + BAR_WIDTH, y, x0 + BAR_WIDTH + 3, y);
            g.drawString((db == 0 ? "0" : "-" + db) + " dB", x0 + BAR_WIDTH + 6, y + m.getAscent() / 2 - 1);
        }
    }

    /** The smallest of 1, 2, 5 times a power of ten that divides {@code span} into at most 5 steps. */
    static double niceStep(double span) {
        double step = Math.pow(10, Math.floor(Math.log10(span / 5)));
        for (double factor : new double[] {1, 2, 5, 10}) {
            if (span / (step * factor) <= 5 + 1e-9) {
                return step * factor;
            }
        }
        return step * 10;
    }

    private static String tick(double v) {
        String s = String.format(Locale.ROOT, "%.3f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    private static void centered(Graphics2D g, String text, int x, int baseline) {
        g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
    }
}
