package dev.ssmc.runtime.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link SsmKernels} against exact double evaluations and a naive complex DFT of the powers. */
class SsmKernelsTest {

    /** exp(l * log a) evaluated directly in double: the reference power. */
    static double[] exactPower(double ar, double ai, long l) {
        if (l == 0) {
            return new double[] {1, 0};
        }
        double mag = Math.exp(l * Math.log(Math.hypot(ar, ai)));
        double ang = l * Math.atan2(ai, ar);
        return new double[] {mag * Math.cos(ang), mag * Math.sin(ang)};
    }

    /** Multipliers like a trained SSM's: exp(dt * (re + i im)) with re < 0. */
    static float[][] ssmMultipliers(Random rnd, int states) {
        float[][] a = new float[2][states];
        for (int s = 0; s < states; s++) {
            double dt = Math.exp(Math.log(1e-3) + rnd.nextDouble() * Math.log(100));
            double re = -(0.01 + rnd.nextDouble());
            double im = Math.PI * rnd.nextInt(40) * (rnd.nextBoolean() ? 1 : -1);
            double mag = Math.exp(dt * re);
            a[0][s] = (float) (mag * Math.cos(dt * im));
            a[1][s] = (float) (mag * Math.sin(dt * im));
        }
        return a;
    }

    @Test
    void powersStayAccurateOverLongKernels() {
        Random rnd = new Random(31);
        int states = 6;
        int length = 65536;
        float[][] a = ssmMultipliers(rnd, states);
        a[0][0] = 0.99999f; // a slowly decaying state, the worst case for drift
        a[1][0] = 0.001f;
        a[0][1] = 1f; // exactly on the unit circle
        a[1][1] = 0f;
        float[] re = new float[states * length];
        float[] im = new float[states * length];
        SsmKernels.powers(states, length, a[0], a[1], re, im);
        for (int s = 0; s < states; s++) {
            for (int l = 0; l < length; l += 1 + (l % 7)) {
                double[] e = exactPower(a[0][s], a[1][s], l);
                assertEquals(e[0], re[s * length + l], 2e-7 * Math.max(1e-3, Math.hypot(e[0], e[1])) + 1e-30,
                        "state " + s + " lag " + l);
                assertEquals(e[1], im[s * length + l], 2e-7 * Math.max(1e-3, Math.hypot(e[0], e[1])) + 1e-30,
                        "state " + s + " lag " + l);
            }
        }
        assertEquals(1f, re[length + length - 1]);
    }

    @Test
    void powersFromExponentAreExpOfMultiples() {
        Random rnd = new Random(32);
        int states = 5;
        int length = 20000;
        float[] zr = new float[states];
        float[] zi = new float[states];
        for (int s = 0; s < states; s++) {
            zr[s] = (float) (-1e-4 - rnd.nextDouble() * 0.01);
            zi[s] = (float) ((2 * rnd.nextDouble() - 1) * 0.5);
        }
        float[] re = new float[states * length];
        float[] im = new float[states * length];
        SsmKernels.powersFromExponent(states, length, zr, zi, re, im);
        for (int s = 0; s < states; s++) {
            for (int l = 0; l < length; l += 3) {
                double mag = Math.exp((double) zr[s] * l);
                double er = mag * Math.cos((double) zi[s] * l);
                double ei = mag * Math.sin((double) zi[s] * l);
                assertEquals(er, re[s * length + l], 2e-7 * Math.max(mag, 1e-3) + 1e-30);
                assertEquals(ei, im[s * length + l], 2e-7 * Math.max(mag, 1e-3) + 1e-30);
            }
        }
    }

    /**
     * Each component of a power row, on both paths, against {@code exp(z l)} evaluated directly in
     * double: lengths shorter than a vector, not a multiple of one, and across restarts.
     */
    @Test
    void powerRowComponentsOnBothPathsMatchExactPowers() {
        Random rnd = new Random(35);
        boolean[] paths = VectorSupport.available() ? new boolean[] {false, true} : new boolean[] {false};
        for (int length : new int[] {0, 1, 3, 7, 8, 17, 1023, 1024, 1025, 2500}) {
            double zr = -1e-4 - rnd.nextDouble() * 0.01;
            double zi = (2 * rnd.nextDouble() - 1) * 0.5;
            for (SsmKernels.Component part : SsmKernels.Component.values()) {
                for (boolean vector : paths) {
                    float[] out = new float[3 + length];
                    SsmKernels.powerRow(zr, zi, length, part, out, 3, vector);
                    for (int l = 0; l < length; l++) {
                        double mag = Math.exp(zr * l);
                        boolean im = part == SsmKernels.Component.IM || part == SsmKernels.Component.LAG_TIMES_IM;
                        boolean lag = part == SsmKernels.Component.LAG_TIMES_RE
                                || part == SsmKernels.Component.LAG_TIMES_IM;
                        double exact = mag * (im ? Math.sin(zi * l) : Math.cos(zi * l)) * (lag ? l : 1);
                        double scale = mag * (lag ? Math.max(l, 1) : 1);
                        assertEquals(exact, out[3 + l], 2e-7 * scale + 1e-30,
                                part + " length " + length + " lag " + l + (vector ? " (vector)" : " (scalar)"));
                    }
                    assertEquals(0f, out[0]);
                }
            }
        }
    }

    @Test
    void zeroMultiplierRealInputsAndNullOutputs() {
        float[] re = new float[8];
        float[] im = new float[8];
        SsmKernels.powers(2, 4, new float[] {0f, 0.5f}, null, re, im);
        assertEquals("[1.0, 0.0, 0.0, 0.0, 1.0, 0.5, 0.25, 0.125]", java.util.Arrays.toString(re));
        assertEquals("[0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]", java.util.Arrays.toString(im));
        float[] onlyRe = new float[4];
        SsmKernels.powers(1, 4, new float[] {0f}, new float[] {2f}, onlyRe, null);
        assertEquals(-4f, onlyRe[2], 1e-6f); // (2i)^2
        float[] spec = new float[3];
        SsmKernels.closedFormSpectrum(1, 5, 4, new float[] {0f}, new float[] {0f}, spec, null);
        assertEquals("[1.0, 1.0, 1.0]", java.util.Arrays.toString(spec));
        SsmKernels.closedFormSpectrum(1, 0, 4, new float[] {0.5f}, new float[] {0f}, spec, null);
        assertEquals("[0.0, 0.0, 0.0]", java.util.Arrays.toString(spec));
        assertThrows(IllegalArgumentException.class, () -> SsmKernels.powers(-1, 1, null, null, null, null));
        assertThrows(IllegalArgumentException.class,
                () -> SsmKernels.closedFormSpectrum(1, 1, 0, new float[1], null, new float[1], null));
    }

    @Test
    void powersWithOffsetsReadAndWriteWhereTold() {
        Random rnd = new Random(34);
        float[][] a = ssmMultipliers(rnd, 5);
        float[] re = new float[5 * 30];
        float[] im = new float[5 * 30];
        SsmKernels.powers(5, 30, a[0], a[1], re, im);
        float[] re2 = new float[7 + 3 * 30];
        float[] im2 = new float[7 + 3 * 30];
        SsmKernels.powers(3, 30, a[0], a[1], 2, re2, im2, 7);
        for (int i = 0; i < 3 * 30; i++) {
            assertEquals(re[2 * 30 + i], re2[7 + i]);
            assertEquals(im[2 * 30 + i], im2[7 + i]);
        }
    }

    /** The naive complex DFT (in double) of a^l, l < length, zero-padded to n; bins 0..n/2. */
    static double[][] naiveSpectrum(double ar, double ai, int length, int n) {
        int bins = n / 2 + 1;
        double[][] out = new double[2][bins];
        double[] pr = new double[length];
        double[] pi = new double[length];
        for (int l = 0; l < length; l++) {
            double[] p = exactPower(ar, ai, l);
            pr[l] = p[0];
            pi[l] = p[1];
        }
        for (int k = 0; k < bins; k++) {
            double sr = 0;
            double si = 0;
            for (int l = 0; l < length; l++) {
                double ang = -2 * Math.PI * ((long) k * l % n) / n;
                double c = Math.cos(ang);
                double s = Math.sin(ang);
                sr += pr[l] * c - pi[l] * s;
                si += pr[l] * s + pi[l] * c;
            }
            out[0][k] = sr;
            out[1][k] = si;
        }
        return out;
    }

    static void checkSpectrum(float[] aRe, float[] aIm, int length, int n) {
        int states = aRe.length;
        int bins = n / 2 + 1;
        float[] re = new float[states * bins];
        float[] im = new float[states * bins];
        SsmKernels.closedFormSpectrum(states, length, n, aRe, aIm, re, im);
        for (int s = 0; s < states; s++) {
            double[][] ref = naiveSpectrum(aRe[s], aIm[s], length, n);
            double scale = 1e-30;
            for (int k = 0; k < bins; k++) {
                scale = Math.max(scale, Math.hypot(ref[0][k], ref[1][k]));
            }
            for (int k = 0; k < bins; k++) {
                double err = Math.hypot(re[s * bins + k] - ref[0][k], im[s * bins + k] - ref[1][k]);
                assertTrue(err <= 1e-6 * scale, "a=(" + aRe[s] + ", " + aIm[s] + ") L=" + length + " n=" + n
                        + " bin " + k + ": (" + re[s * bins + k] + ", " + im[s * bins + k] + ") vs (" + ref[0][k]
                        + ", " + ref[1][k] + ")");
            }
        }
    }

    @Test
    void closedFormMatchesTheDftOfThePowers() {
        Random rnd = new Random(33);
        float[][] a = ssmMultipliers(rnd, 8);
        checkSpectrum(a[0], a[1], 300, 600);
        checkSpectrum(a[0], a[1], 1000, 2048);
        checkSpectrum(a[0], a[1], 7, 7);
        checkSpectrum(a[0], a[1], 1, 2);
        checkSpectrum(a[0], a[1], 50, 101); // n need not be fast, nor length <= n/2
        checkSpectrum(a[0], a[1], 150, 101); // nor length <= n
    }

    @Test
    void closedFormNearAndOnThePoles() {
        // States on and next to the unit circle at a bin frequency: the quotient's denominator vanishes.
        int n = 512;
        int length = 400;
        double[] angles = {0, 2 * Math.PI * 5 / n, 2 * Math.PI * 5 / n + 1e-7, -2 * Math.PI * 100 / n, Math.PI};
        double[] mags = {1, 1 - 1e-7, 1 - 1e-4, 0.999999};
        float[] re = new float[angles.length * mags.length];
        float[] im = new float[re.length];
        int i = 0;
        for (double ang : angles) {
            for (double mag : mags) {
                re[i] = (float) (mag * Math.cos(ang));
                im[i] = (float) (mag * Math.sin(ang));
                i++;
            }
        }
        checkSpectrum(re, im, length, n);
        checkSpectrum(new float[] {1f, -1f}, new float[] {0f, 0f}, length, n);
    }

    @Test
    void closedFormOnRandomSizes() {
        Property.forAll(40, in -> new SpectrumCase(integers().between(1, 300).generate(in),
                integers().between(1, 400).generate(in),
                longs().all().generate(in)),
                a -> closedFormOnRandomSizes(a.length(), a.n(), a.seed()));
    }

    /** One try of {@link #closedFormOnRandomSizes()}. */
    record SpectrumCase(int length, int n, long seed) {
    }

    private void closedFormOnRandomSizes(int length, int n, long seed) {
        float[][] a = ssmMultipliers(new Random(seed), 3);
        checkSpectrum(a[0], a[1], length, n);
    }
}
