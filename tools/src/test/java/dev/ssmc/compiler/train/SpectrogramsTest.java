package dev.ssmc.compiler.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.train.NoisyPair;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpectrogramsTest {
    private static final int RATE = 16000;

    @TempDir
    Path dir;

    /**
     * Clean speech stands in as a 1 kHz tone; the noisy input adds a 5 kHz tone as loud, the
     * denoised output keeps a tenth of it. At 5 kHz the noisy panel is lightest, the denoised one
     * darker, the clean one darkest; at 1 kHz, where the three agree, and at 3 kHz, where none has
     * anything, the panels look the same.
     */
    @Test
    void aPngOfThreePanelsThatDifferWhereTheSignalsDo() throws IOException {
        float[] clean = tone(1000, 0.5);
        float[] noisy = plus(clean, tone(5000, 0.5));
        float[] denoised = plus(clean, tone(5000, 0.05));
        Path png = dir.resolve("pair.png");
        Spectrograms.write(png, new NoisyPair("en-029-Alex_0.wav", noisy, clean), denoised, RATE);

        assertTrue(Files.size(png) > 1000);
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(Spectrograms.width(), image.getWidth());
        assertEquals(Spectrograms.height(), image.getHeight());
        assertEquals(3 * Spectrograms.PANEL_WIDTH + 2 * 48 + 64 + 96, image.getWidth());

        double[] at5k = lightness(image, 5000);
        assertTrue(at5k[0] > at5k[1] + 0.1 && at5k[1] > at5k[2] + 0.1,
                "noisy, denoised, clean at 5 kHz: " + java.util.Arrays.toString(at5k));
        for (double hz : new double[] {1000, 3000}) {
            double[] same = lightness(image, hz);
            assertEquals(same[0], same[2], 0.02, hz + " Hz");
            assertEquals(same[1], same[2], 0.02, hz + " Hz");
        }
        assertTrue(lightness(image, 1000)[2] > lightness(image, 3000)[2] + 0.5, "the tone is lighter than nothing");
        // the margins are white and hold the labels: some dark pixels left of the first panel
        assertEquals(0xFFFFFF, image.getRGB(2, 2) & 0xFFFFFF);
        assertTrue(darkPixels(image, 0, Spectrograms.panelX(0) - 1) > 50, "axis labels");
    }

    @Test
    void theColourMapRisesInLightnessAndClamps() {
        double previous = -1;
        for (int i = 0; i <= 100; i++) {
            double l = lightness(Spectrograms.colour(i / 100.0));
            assertTrue(l > previous, "lightness at " + i + "%");
            previous = l;
        }
        assertEquals(Spectrograms.colour(0), Spectrograms.colour(-3));
        assertEquals(Spectrograms.colour(1), Spectrograms.colour(7));
        assertEquals(0x440154, Spectrograms.colour(0));
        assertEquals(0xFDE725, Spectrograms.colour(1));
        assertEquals(512, Spectrograms.frameSize(16000));
        assertEquals(256, Spectrograms.frameSize(8000));
        assertEquals(2, Spectrograms.niceStep(8), 1e-12);
        assertEquals(0.2, Spectrograms.niceStep(1), 1e-12);
        assertEquals(0.5, Spectrograms.niceStep(2.3), 1e-12);
    }

    @Test
    void signalsMustBeEquallyLong() {
        assertThrows(IllegalArgumentException.class,
                () -> Spectrograms.write(dir.resolve("x.png"), "x", RATE, new float[10], new float[9], new float[10]));
        assertThrows(IllegalArgumentException.class,
                () -> Spectrograms.write(dir.resolve("x.png"), "x", RATE, new float[0], new float[0], new float[0]));
    }

    /** The mean lightness of each panel's pixels in the row at {@code hz}, over the middle half of the time. */
    private static double[] lightness(BufferedImage image, double hz) {
        int y = Spectrograms.panelY() + Spectrograms.PANEL_HEIGHT - 1
                - (int) (hz / (RATE / 2.0) * Spectrograms.PANEL_HEIGHT);
        double[] out = new double[3];
        for (int p = 0; p < 3; p++) {
            int from = Spectrograms.panelX(p) + Spectrograms.PANEL_WIDTH / 4;
            int to = Spectrograms.panelX(p) + 3 * Spectrograms.PANEL_WIDTH / 4;
            for (int x = from; x < to; x++) {
                out[p] += lightness(image.getRGB(x, y)) / (to - from);
            }
        }
        return out;
    }

    /** Rec. 709 luma of an RGB colour, 0 to 1. */
    private static double lightness(int rgb) {
        return (0.2126 * ((rgb >> 16) & 0xff) + 0.7152 * ((rgb >> 8) & 0xff) + 0.0722 * (rgb & 0xff)) / 255;
    }

    private static int darkPixels(BufferedImage image, int fromX, int toX) {
        int count = 0;
        for (int x = fromX; x < toX; x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                count += lightness(image.getRGB(x, y)) < 0.5 ? 1 : 0;
            }
        }
        return count;
    }

    private static float[] tone(double hz, double amplitude) {
        float[] x = new float[RATE];
        for (int t = 0; t < x.length; t++) {
            x[t] = (float) (amplitude * Math.sin(2 * Math.PI * hz * t / RATE));
        }
        return x;
    }

    private static float[] plus(float[] a, float[] b) {
        float[] y = new float[a.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a[i] + b[i];
        }
        return y;
    }
}
