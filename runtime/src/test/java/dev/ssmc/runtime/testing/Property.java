package dev.ssmc.runtime.testing;

import static org.quicktheories.QuickTheory.qt;

import java.lang.reflect.Modifier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;
import org.quicktheories.core.Gen;

/**
 * How ssmc's property tests run: on QuickTheories (Apache-2.0), from a JUnit 5 {@code @Test}.
 *
 * <p>A property draws its arguments as one value, usually a record, so that a failure reports
 * every argument by name and QuickTheories can shrink them all together:
 *
 * <pre>{@code
 * record Shape(int batch, int length, long seed) {}
 *
 * @Test
 * void forwardMatchesNaive() {
 *     Property.forAll(150, in -> new Shape(integers().between(1, 3).generate(in),
 *             integers().between(1, 9).generate(in), longs().all().generate(in)),
 *             s -> forwardMatchesNaive(s.batch(), s.length(), s.seed()));
 * }
 * }</pre>
 *
 * <p>Every run draws from one seed (a new one each run, or {@code -DQT_SEED=N}); a failure
 * reports the smallest falsifying value found, what it threw, the seed and the command line that
 * draws the same values again. Shrinking stops after {@link #SHRINK_SECONDS} seconds, as a slow
 * property would otherwise shrink for hours. A try whose JUnit assumption fails ({@code
 * assumeTrue}) is rejected, not failed, and another is drawn in its place; a property whose every
 * try is rejected is skipped.
 * {@code -Dssmc.property.factor=F} runs F times as many
 * tries (deeper runs than CI's); {@code -Dssmc.property.report=true} prints each property's tries
 * and seed.
 */
public final class Property {
    /** System property: how many times the written number of tries to run. */
    public static final String FACTOR = "ssmc.property.factor";
    /** System property: how long shrinking may take, in seconds (default 10). */
    public static final String SHRINK_SECONDS = "ssmc.property.shrinkSeconds";
    /** System property: print every property's tries and seed. */
    public static final String REPORT = "ssmc.property.report";

    /** Draws allowed per try, so that repeated draws, which are not checked again, still leave enough. */
    private static final int DRAWS_PER_TRY = 3;

    private Property() {
    }

    /** One check of the property: any throwable, an assertion or an exception, falsifies it. */
    @FunctionalInterface
    public interface Check<T> {
        void accept(T value) throws Exception;
    }

    /**
     * Checks {@code check} on {@code tries} values drawn from {@code values}. Fails with the
     * smallest falsifying value found and the seed that reproduces the run.
     */
    public static <T> void forAll(int tries, Gen<T> values, Check<T> check) {
        int scaled = Math.max(1, (int) Math.ceil(tries * Double.parseDouble(System.getProperty(FACTOR, "1"))));
        long seed = Long.getLong("QT_SEED", System.nanoTime());
        long shrinkNanos = TimeUnit.SECONDS.toNanos(Long.getLong(SHRINK_SECONDS, 10));
        Run<T> run = new Run<>(check, scaled, shrinkNanos);
        try {
            // QuickTheories skips a draw it has seen before without counting it, so it is given
            // room for more draws than tries; Run stops checking once it has checked enough.
            qt().withFixedSeed(seed).withExamples(DRAWS_PER_TRY * scaled).withShrinkCycles(100 * scaled)
                    .forAll(values).checkAssert(run::check);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nTo draw the same values again, run the tests of this module"
                    + " with -Dtest=" + caller() + " -DQT_SEED=" + seed);
        }
        if (run.rejected == run.checks && run.lastRejection != null) {
            throw run.lastRejection;
        }
        if (Boolean.getBoolean(REPORT)) {
            System.out.printf("property %s: %d tries, %d more rejected, seed %d%n", caller(), run.checks - run.rejected,
                    run.rejected, seed);
        }
    }

    /**
     * The test that called {@link #forAll}, as {@code -Dtest} names it: the first {@code @Test}
     * method on the stack. A test inherited from an abstract class is named by a pattern that
     * matches it in every subclass.
     */
    private static String caller() {
        return StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE)
                .walk(frames -> frames.filter(Property::isTest).findFirst())
                .map(f -> (Modifier.isAbstract(f.getDeclaringClass().getModifiers()) ? "*Test"
                        : f.getDeclaringClass().getSimpleName()) + "#" + f.getMethodName())
                .orElse("?");
    }

    private static boolean isTest(StackWalker.StackFrame frame) {
        try {
            return frame.getDeclaringClass().getDeclaredMethod(frame.getMethodName()).isAnnotationPresent(Test.class);
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    /** One property's checks, counted, with shrinking cut off once its time is up. */
    private static final class Run<T> {
        private final Check<T> check;
        private final int tries;
        private final long shrinkNanos;
        private long firstFailure = -1;
        private int checks;
        private int rejected;
        private TestAbortedException lastRejection;

        Run(Check<T> check, int tries, long shrinkNanos) {
            this.check = check;
            this.tries = tries;
            this.shrinkNanos = shrinkNanos;
        }

        void check(T value) {
            if (firstFailure < 0 && checks - rejected >= tries) {
                return; // checked enough distinct values (a rejected try does not count)
            }
            if (firstFailure >= 0 && System.nanoTime() - firstFailure > shrinkNanos) {
                return; // out of shrinking time: the smallest falsifying value so far is reported
            }
            checks++;
            try {
                check.accept(value);
            } catch (TestAbortedException e) {
                rejected++;
                lastRejection = e;
            } catch (Error | RuntimeException e) {
                failed();
                throw e;
            } catch (Exception e) {
                failed();
                throw new AssertionError(e);
            }
        }

        private void failed() {
            if (firstFailure < 0) {
                firstFailure = System.nanoTime();
            }
        }
    }
}
