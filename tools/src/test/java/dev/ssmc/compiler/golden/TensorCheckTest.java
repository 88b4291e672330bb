package dev.ssmc.compiler.golden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;

import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Property;
import org.junit.jupiter.api.Test;

/** A tolerance relative to max|ref| with a floor that scales with it, and checks that report in that unit. */
class TensorCheckTest {
    /** The default is the tolerance the golden files have always been checked with. */
    @Test
    void theDefaultIsTheGoldenFilesTolerance() {
        for (double maxAbs : new double[] {0, 1e-3, 1, 3.5e4}) {
            assertEquals(1e-4 * maxAbs + 1e-6, Tolerance.DEFAULT.bound(maxAbs), 1e-15 * (1 + maxAbs));
        }
    }

    record Case(double relative, double maxAbs) {
    }

    /**
     * The floor never swamps the relative tolerance: at any tolerance, for any reference whose
     * largest magnitude is at least 1e-2, the bound is between one and two times {@code REL * max|ref|}.
     */
    @Test
    void theFloorAtMostDoublesTheRelativeTolerance() {
        Property.forAll(200, in -> new Case(Math.pow(10, doubles().between(-12, 0).generate(in)),
                Math.pow(10, doubles().between(-2, 6).generate(in))), c -> {
            double bound = new Tolerance(c.relative()).bound(c.maxAbs());
            double relative = c.relative() * c.maxAbs();
            assertTrue(relative <= bound && bound <= 2 * relative, c + ": bound " + bound);
        });
    }

    @Test
    void aToleranceIsPositiveAndFinite() {
        for (double bad : new double[] {0, -1e-4, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThrows(IllegalArgumentException.class, () -> new Tolerance(bad), String.valueOf(bad));
        }
    }

    @Test
    void aCheckReportsItsErrorAndToleranceAsFractionsOfMaxRef() {
        Tensor ref = Tensor.of(new float[] {4, -2, 1}, 3);
        TensorCheck close = TensorCheck.compare("plan", "output", Tensor.of(new float[] {4, -2, 1.0001f}, 3), ref,
                new Tolerance(1e-4));
        assertTrue(close.passed(), close.toString());
        assertEquals(1e-4 / 4, close.relativeError(), 1e-8);
        assertEquals("plan output 2.50e-05 of max|ref| (tol 1.00e-04)", close.toString());

        TensorCheck far = TensorCheck.compare("plan", "output", Tensor.of(new float[] {4, -2.01f, 1}, 3), ref,
                new Tolerance(1e-4));
        assertFalse(far.passed(), far.toString());
        assertEquals("plan output 2.50e-03 of max|ref| (over tol 1.00e-04)", far.toString());
    }

    /** An all-zero reference has no relative error; the floor, a hundredth of the tolerance, is what it allows. */
    @Test
    void anAllZeroReferenceIsHeldToTheFloor() {
        Tensor zeros = Tensor.zeros(2);
        Tolerance tolerance = new Tolerance(1e-6);
        TensorCheck within = TensorCheck.compare("plan", "grad.x", Tensor.of(new float[] {0, 5e-9f}, 2), zeros, tolerance);
        assertTrue(within.passed(), within.toString());
        assertEquals("plan grad.x 5.00e-09, ref all zero (tol 1.00e-08)", within.toString());
        TensorCheck over = TensorCheck.compare("plan", "grad.x", Tensor.of(new float[] {0, 2e-8f}, 2), zeros, tolerance);
        assertFalse(over.passed(), over.toString());
        assertEquals("plan grad.x 2.00e-08, ref all zero (over tol 1.00e-08)", over.toString());
    }

    @Test
    void aNaNNeverPasses() {
        TensorCheck nan = TensorCheck.compare("plan", "output", Tensor.of(new float[] {1, Float.NaN}, 2),
                Tensor.of(new float[] {1, 1}, 2), Tolerance.DEFAULT);
        assertFalse(nan.passed(), nan.toString());
        assertEquals("plan output NaN of max|ref| (over tol 1.01e-04)", nan.toString());
    }
}
