package dev.ssmc.runtime.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Erf} against the Maclaurin series {@code erf(x) = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))}
 * summed in {@link BigDecimal} with enough digits to survive its cancellation (and, for
 * {@code erfc = 1 - erf}, the further cancellation down to the tail), pi from Machin's formula.
 */
class ErfTest {

    /** pi to {@code mc} digits: {@code 16 atan(1/5) - 4 atan(1/239)}. */
    static BigDecimal pi(MathContext mc) {
        return atanInverse(5, mc).multiply(BigDecimal.valueOf(16)).subtract(atanInverse(239, mc).multiply(BigDecimal.valueOf(4)), mc);
    }

    private static BigDecimal atanInverse(int n, MathContext mc) {
        BigDecimal nn = BigDecimal.valueOf((long) n * n);
        BigDecimal power = BigDecimal.ONE.divide(BigDecimal.valueOf(n), mc); // 1/n^(2k+1)
        BigDecimal sum = power;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() + 5);
        for (int k = 1; power.compareTo(eps) > 0; k++) {
            power = power.divide(nn, mc);
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), mc);
            sum = (k % 2 == 1) ? sum.subtract(term, mc) : sum.add(term, mc);
        }
        return sum;
    }

    /** {@code erf(x)} as a BigDecimal good to about {@code 10^-(extraDigits)} absolutely. */
    static BigDecimal erfSeries(double x, int extraDigits) {
        // The largest term is about exp(x^2): that many digits are lost to cancellation.
        int digits = extraDigits + (int) Math.ceil(x * x / Math.log(10)) + 20;
        MathContext mc = new MathContext(digits);
        BigDecimal bx = new BigDecimal(x); // the exact binary value
        BigDecimal x2 = bx.multiply(bx, mc);
        BigDecimal term = bx; // x^(2n+1) / n!, signed
        BigDecimal sum = bx;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(extraDigits + 10);
        for (int n = 1; ; n++) {
            term = term.multiply(x2, mc).divide(BigDecimal.valueOf(n), mc).negate();
            BigDecimal add = term.divide(BigDecimal.valueOf(2L * n + 1), mc);
            sum = sum.add(add, mc);
            if (n > x * x && add.abs().compareTo(eps) < 0) {
                break;
            }
        }
        BigDecimal sqrtPi = pi(mc).sqrt(mc);
        return sum.multiply(BigDecimal.valueOf(2), mc).divide(sqrtPi, mc);
    }

    private static void assertRelative(String what, double expected, double actual, double rel) {
        double err = Math.abs(actual - expected);
        assertTrue(err <= rel * Math.abs(expected), () -> what + " = " + actual + ", expected " + expected
                + " (relative error " + err / Math.abs(expected) + ")");
    }

    @Test
    void piIsRight() {
        assertEquals(Math.PI, pi(new MathContext(40)).doubleValue(), 0.0);
        assertTrue(pi(new MathContext(60)).toString().startsWith("3.14159265358979323846264338327950288419716939937510"));
    }

    @Test
    void erfMatchesTheSeriesOnAGridAndAtRandomPoints() {
        Random rnd = new Random(11);
        double[] xs = new double[193 + 200 + 4];
        int k = 0;
        for (int i = -96; i <= 96; i++) {
            xs[k++] = i / 16.0;
        }
        for (int i = 0; i < 200; i++) {
            xs[k++] = (rnd.nextDouble() * 2 - 1) * (i < 100 ? 1 : 6);
        }
        xs[k++] = 1e-300;
        xs[k++] = -3e-9;
        xs[k++] = 0.46875; // the first interval's edge
        xs[k] = 4.0; // the second's
        for (double x : xs) {
            if (x == 0) {
                continue;
            }
            double expected = erfSeries(x, 30).doubleValue();
            assertRelative("erf(" + x + ")", expected, Erf.erf(x), 1e-14);
        }
        assertEquals(0.0, Erf.erf(0.0));
    }

    @Test
    void erfcKeepsItsRelativeAccuracyInTheTail() {
        // erfc = 1 - erf computed in BigDecimal; erfc(x) ~ exp(-x^2) needs x^2/ln 10 more digits.
        double[] xs = {-5.5, -2, -0.3, 0.1, 0.46875, 0.5, 1, 2.5, 3.999, 4.0, 4.001, 5, 6, 7.25, 9, 12.5, 16, 20, 26};
        for (double x : xs) {
            int tailDigits = (int) Math.ceil(x * x / Math.log(10)) + 30;
            double expected = BigDecimal.ONE.subtract(erfSeries(x, tailDigits)).doubleValue();
            assertRelative("erfc(" + x + ")", expected, Erf.erfc(x), 1e-13);
        }
    }

    @Test
    void limitsAndSymmetry() {
        assertEquals(1.0, Erf.erf(Double.POSITIVE_INFINITY));
        assertEquals(-1.0, Erf.erf(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(Double.POSITIVE_INFINITY));
        assertEquals(2.0, Erf.erfc(Double.NEGATIVE_INFINITY));
        assertEquals(0.0, Erf.erfc(30.0));
        assertTrue(Double.isNaN(Erf.erf(Double.NaN)));
        assertTrue(Double.isNaN(Erf.erfc(Double.NaN)));
        Random rnd = new Random(5);
        for (int i = 0; i < 1000; i++) {
            double x = rnd.nextGaussian() * 3;
            assertEquals(-Erf.erf(x), Erf.erf(-x), 0.0);
            assertEquals(2.0, Erf.erfc(x) + Erf.erfc(-x), 1e-15);
        }
    }
}
