package dev.ssmc.runtime.nn;

import static dev.ssmc.runtime.nn.NnTesting.randn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Norm}'s row loops on both paths, on rows of every length around the vector width (so the
 * scalar tail and rows shorter than a vector are covered) at any offset: the affine map bit for
 * bit against the scalar loop, the double sums against a naive double loop within the rounding
 * bound of a double sum. Values sit far from zero ({@code sigma << |mean|} is why the norms work in
 * double) or around it.
 */
class NormVectorTest {

    /** One row: where it starts, how long it is, the data's offset (which picks its scale too) and seed. */
    record Row(int off, int length, int offsetIndex, long seed) {
        double offset() {
            return new double[] {0, 1000, -3}[offsetIndex];
        }
    }

    private static final double DOUBLE_EPS = Math.ulp(1.0);

    private static void forAllRows(Property.Check<Row> check) {
        Property.forAll(300, in -> new Row(integers().between(0, 5).generate(in),
                integers().between(0, 70).generate(in),
                integers().between(0, 2).generate(in),
                longs().all().generate(in)), check);
    }

    private static boolean[] paths() {
        return VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false};
    }

    private static float[] data(Row row, long salt) {
        Random rnd = new Random(row.seed() ^ salt);
        double scale = row.offset() == 0 ? 1 : 1e-3;
        return randn(rnd, row.off() + row.length() + 3, scale, row.offset());
    }

    @Test
    void vectorAffineIsBitIdenticalToTheScalarLoop() {
        assumeTrue(VectorSupport.available(), "the Vector API module is not in this JVM");
        forAllRows(row -> {
            float[] x = data(row, 1);
            Random rnd = new Random(row.seed());
            double mean = row.offset() + 1e-3 * rnd.nextGaussian();
            float r = (float) (1e3 * (0.5 + rnd.nextDouble()));
            double scale = (double) r * (float) (0.5 + rnd.nextDouble()); // as group norm passes r * weight
            double shift = (float) rnd.nextGaussian();
            float[] scalar = new float[x.length];
            float[] vector = new float[x.length];
            java.util.Arrays.fill(scalar, Float.NaN);
            java.util.Arrays.fill(vector, Float.NaN);
            Norm.affine(false, x, scalar, row.off(), row.length(), mean, scale, shift);
            Norm.affine(true, x, vector, row.off(), row.length(), mean, scale, shift);
            for (int i = 0; i < x.length; i++) {
                boolean inside = i >= row.off() && i < row.off() + row.length();
                assertEquals(inside, !Float.isNaN(vector[i]), "written only inside the row, at " + i);
                assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(vector[i]),
                        "y[" + i + "]: scalar " + scalar[i] + ", vector " + vector[i]);
            }
        });
    }

    /**
     * Random rows rarely tell a fused multiply-add from a multiply and an add (the double results
     * differ in the last bits, which the rounding to float almost always hides), so these rows are
     * built to: {@code x * scale} rounds in double to {@code p}, and {@code shift = m - p} with
     * {@code m} halfway between two floats, so the scalar loop's {@code p + shift} is exactly the
     * midpoint (rounded to even) while a fused {@code x * scale + shift} is off the midpoint by the
     * product's rounding error and rounds by its sign. At least some rows must tell them apart.
     */
    @Test
    void vectorAffineRoundsTheProductBeforeTheShift() {
        assumeTrue(VectorSupport.available(), "the Vector API module is not in this JVM");
        Random rnd = new Random(20240607L);
        int length = 37; // whole vectors and a tail at any width up to 32
        int fusedDiffers = 0;
        for (int trial = 0; trial < 200; trial++) {
            float xv = (float) (1 + rnd.nextDouble());
            double scale = 100 + 100 * rnd.nextDouble(); // p < 512: m - p is exact
            double p = xv * scale;
            float y0 = (float) (1 + rnd.nextDouble());
            double shift = ((double) y0 + Math.ulp(y0) / 2) - p;
            float[] x = new float[length];
            java.util.Arrays.fill(x, xv);
            float[] scalar = new float[length];
            float[] vector = new float[length];
            Norm.affine(false, x, scalar, 0, length, 0, scale, shift);
            Norm.affine(true, x, vector, 0, length, 0, scale, shift);
            for (int i = 0; i < length; i++) {
                assertEquals(Float.floatToRawIntBits(scalar[i]), Float.floatToRawIntBits(vector[i]),
                        "x " + xv + ", scale " + scale + ", shift " + shift + " at " + i);
            }
            if ((float) Math.fma(xv, scale, shift) != scalar[0]) {
                fusedDiffers++;
            }
        }
        assertTrue(fusedDiffers > 20, "the rows should tell a fused multiply-add apart, did " + fusedDiffers + " times");
    }

    /** {@code |actual - exact| <= n * eps * sum |terms|}: the error bound of any order of double additions. */
    private static void assertSumClose(String what, double exact, double sumAbs, int n, double actual) {
        double bound = (n + 1) * DOUBLE_EPS * sumAbs;
        assertTrue(Math.abs(actual - exact) <= bound,
                what + ": " + actual + ", exact " + exact + " (off by " + Math.abs(actual - exact) + ", bound " + bound
                        + ")");
    }

    @Test
    void sumsAgreeWithADoubleLoopOnBothPaths() {
        forAllRows(row -> {
            float[] a = data(row, 2);
            float[] g = data(row, 3);
            Random rnd = new Random(row.seed());
            double mean = row.offset() + 1e-3 * rnd.nextGaussian();
            float mf = (float) mean;
            float r = (float) (1e3 * (0.5 + rnd.nextDouble()));
            // exact sums of the doubles (long double is not there: Kahan-compensated)
            double[] sum = new double[2];
            double[] dev = new double[2];
            double[] dot = new double[2];
            double sumAbs = 0;
            double dotAbs = 0;
            for (int i = row.off(); i < row.off() + row.length(); i++) {
                double d = a[i] - mean;
                double term = g[i] * ((a[i] - mf) * r); // float products, as the backwards take them
                kahan(sum, a[i]);
                kahan(dev, d * d);
                kahan(dot, term);
                sumAbs += Math.abs(a[i]);
                dotAbs += Math.abs(term);
            }
            for (boolean vector : paths()) {
                String path = vector ? "vector " : "scalar ";
                assertSumClose(path + "sum", sum[0], sumAbs, row.length(),
                        Norm.sum(vector, a, row.off(), row.length()));
                // a squared deviation is rounded once more than the sum's terms: twice the bound
                assertSumClose(path + "squaredDeviations", dev[0], 2 * dev[0], row.length(),
                        Norm.squaredDeviations(vector, a, row.off(), row.length(), mean));
                assertSumClose(path + "xhatDot", dot[0], dotAbs, row.length(),
                        Norm.xhatDot(vector, g, a, row.off(), row.length(), mf, r));
            }
        });
    }

    /** Adds {@code v} to the compensated sum {@code s = {sum, compensation}}. */
    private static void kahan(double[] s, double v) {
        double y = v - s[1];
        double t = s[0] + y;
        s[1] = (t - s[0]) - y;
        s[0] = t;
    }
}
