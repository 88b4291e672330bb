package dev.ssmc.runtime.train;

/**
 * A learning rate for each optimizer step, counted from 0 (the first update). Implementations
 * are immutable records.
 */
public interface Schedule {
    /** The learning rate of step {@code step} (0-based). */
    double lr(long step);

    /** The same rate at every step. */
    static Schedule constant(double lr) {
        return new Constant(lr);
    }

    /**
     * A linear warm-up to {@code peak}, then a cosine decay to {@code minimum} at
     * {@code totalSteps} (see {@link Cosine}).
     */
    static Schedule cosine(double peak, long warmupSteps, long totalSteps, double minimum) {
        return new Cosine(peak, warmupSteps, totalSteps, minimum);
    }

    /** PyTorch's {@code OneCycleLR} defaults: 30% rising, start at max/25, end at max/25/1e4. */
    static Schedule oneCycle(double max, long totalSteps) {
        return new OneCycle(max, totalSteps, OneCycle.RISING, 25, 1e4);
    }

    /** The fewest steps {@link #oneCycle} takes: each of its two phases needs at least two. */
    static long oneCycleMinimumSteps() {
        return (long) Math.ceil(2 / OneCycle.RISING);
    }

    /** A constant rate. */
    record Constant(double lr) implements Schedule {
        public Constant {
            if (!(lr >= 0 && Double.isFinite(lr))) {
                throw new IllegalArgumentException("the learning rate must be finite and >= 0, not " + lr);
            }
        }

        @Override
        public double lr(long step) {
            return lr;
        }
    }

    /**
     * Linear warm-up then cosine decay: steps {@code 0 .. warmupSteps-1} rise linearly,
     * {@code peak (step + 1) / warmupSteps}, so the first step already moves and the last warm-up
     * step is at the peak; from {@code warmupSteps} to {@code totalSteps} the rate falls along half
     * a cosine from {@code peak} to {@code minimum}, where it stays.
     */
    record Cosine(double peak, long warmupSteps, long totalSteps, double minimum) implements Schedule {
        public Cosine {
            if (!(peak > 0 && Double.isFinite(peak)) || !(minimum >= 0 && minimum <= peak)) {
                throw new IllegalArgumentException("need 0 <= minimum <= peak, peak > 0; not minimum " + minimum
                        + ", peak " + peak);
            }
            if (warmupSteps < 0 || totalSteps <= warmupSteps) {
                throw new IllegalArgumentException("need 0 <= warm-up steps < total steps, not " + warmupSteps
                        + " and " + totalSteps);
            }
        }

        @Override
        public double lr(long step) {
            if (step < warmupSteps) {
                return peak * (step + 1) / warmupSteps;
            }
            if (step >= totalSteps) {
                return minimum;
            }
            double progress = (double) (step - warmupSteps) / (totalSteps - warmupSteps);
            return minimum + (peak - minimum) * 0.5 * (1 + Math.cos(Math.PI * progress));
        }
    }

    /**
     * The one-cycle policy (Smith and Topin), as PyTorch's {@code OneCycleLR} with cosine
     * annealing and two phases: from {@code max / divFactor} up to {@code max} at step
     * {@code pctStart * totalSteps - 1}, then down to {@code max / divFactor / finalDivFactor} at
     * step {@code totalSteps - 1}, where it stays; both along half cosines. (PyTorch also cycles
     * Adam's beta1 against the rate; this schedule gives only the rate.)
     */
    record OneCycle(double max, long totalSteps, double pctStart, double divFactor, double finalDivFactor)
            implements Schedule {
        /** The fraction of the steps {@link Schedule#oneCycle} rises over. */
        static final double RISING = 0.3;

        public OneCycle {
            if (!(max > 0 && Double.isFinite(max)) || !(divFactor >= 1) || !(finalDivFactor >= 1)) {
                throw new IllegalArgumentException("need max > 0 and division factors >= 1");
            }
            if (!(pctStart > 0 && pctStart < 1) || totalSteps < 2 || pctStart * totalSteps < 2
                    || pctStart * totalSteps > totalSteps - 1) {
                throw new IllegalArgumentException("both phases need at least a step: " + totalSteps
                        + " steps with " + pctStart + " rising");
            }
        }

        @Override
        public double lr(long step) {
            double initial = max / divFactor;
            double last = initial / finalDivFactor;
            double peakStep = pctStart * totalSteps - 1;
            double endStep = totalSteps - 1;
            if (step <= peakStep) {
                return anneal(initial, max, step / peakStep);
            }
            if (step >= endStep) {
                return last;
            }
            return anneal(max, last, (step - peakStep) / (endStep - peakStep));
        }

        private static double anneal(double from, double to, double progress) {
            return to + (from - to) / 2 * (Math.cos(Math.PI * progress) + 1);
        }
    }
}
