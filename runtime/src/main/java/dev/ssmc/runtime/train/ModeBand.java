package dev.ssmc.runtime.train;

import dev.ssmc.runtime.model.BlockMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where an SSM layer's modes sit in frequency at initialization, an initial {@code log_dt} that
 * spreads them over the band the layer's sample rate allows, and a check for layers whose modes
 * all sit far below it.
 *
 * <p><b>The math.</b> A state evolves by {@code x[t+1] = exp(dt A) x[t] + ...} with
 * {@code A = -softplus(A_re) + i A_im}; at initialization ({@link Init#dynamics})
 * {@code softplus(A_re) = 0.5} and {@code A_im = pi m} for the state's index {@code m = 0..N-1}
 * in its block. Its pole {@code exp(dt A) = exp(-0.5 dt) exp(i dt pi m)} turns by
 * {@code dt pi m} radians a sample, so the mode oscillates at {@code dt pi m / (2 pi) = dt m / 2}
 * cycles per sample: {@code dt m R / 2} Hz at sample rate {@code R}. Nyquist is half a cycle per
 * sample ({@code R/2} Hz), so mode {@code m} sits at the fraction {@code dt m} of Nyquist whatever
 * the rate ({@code R} only turns fractions into Hz), and a mode with {@code dt m > 1} turns by more
 * than {@code pi} a sample and aliases to a lower frequency. The decay {@code 0.5 dt} a sample
 * makes every mode a resonance about {@code dt / (2 pi)} of Nyquist wide, and a memory of about
 * {@code 2/dt} samples: a larger dt reaches higher but forgets sooner.
 *
 * <p><b>Why it matters.</b> {@link Init#logDt} spreads dt geometrically from 1e-3 to 1e-1 over a
 * layer's channels or blocks; a layer with one channel gets 1e-3 everywhere, so its highest mode
 * sits at {@code 1e-3 (N-1)} of Nyquist: 120 Hz for 16 states at 16 kHz. At the waveform level
 * (a layer that runs at the audio's own rate) such a layer cannot follow speech, whose formants
 * reach several kHz; the reference's denoiser CentaurusSE, started that way, does not learn
 * (issue 16), and with those layers' dt spread out it does.
 *
 * <p><b>The spread</b> ({@link #spreadLogDt}) gives every oscillating mode its own frequency,
 * geometrically spaced from {@code lowestHz} up to {@code highestFraction} of Nyquist: dense at
 * low frequencies like a filterbank, with long memories there and short ones at the top. Where
 * every state has its own dt ({@code dws}, {@code s5}, {@code full}), the {@code C (N-1)} modes
 * {@code m >= 1} of the {@code C} channels (blocks for {@code s5}) take the frequencies in turn,
 * mode 1 of every channel first, then mode 2, ...; mode {@code m} at fraction {@code r} gets
 * {@code dt = r / m}, and mode 0, which does not oscillate, gets its channel's mode-1 dt. Where a
 * block's states share one dt ({@code neck}), the modes of a block are evenly spaced, {@code dt m};
 * block {@code b}'s highest mode then takes the frequencies from {@code lowestHz (N-1)} (so that
 * mode 1 of the first block sits at {@code lowestHz}) up to {@code highestFraction}. A single
 * frequency to place goes to the top. With one state there is no oscillating mode, and dt is
 * spread as if the state were mode 1, which spreads the decay times instead.
 */
public final class ModeBand {
    /** {@code softplus(A_re)} of {@link Init#dynamics}: every mode's initial decay rate per unit of dt. */
    static final double INITIAL_DECAY = 0.5;
    /** The default lowest mode frequency of the spread: below the fundamental of any voice. */
    public static final double DEFAULT_LOWEST_HZ = 50;
    /** The default highest mode frequency of the spread, as a fraction of Nyquist: near it, short of aliasing. */
    public static final double DEFAULT_HIGHEST_FRACTION = 0.9;
    /**
     * The default of the check: a waveform-level layer whose modes reach less than a tenth of
     * Nyquist (800 Hz at 16 kHz) misses most of what makes speech intelligible.
     */
    public static final double DEFAULT_MIN_FRACTION = 0.1;

    private ModeBand() {
    }

    /** The frequency of mode {@code m} with time step {@code dt}, as a fraction of Nyquist: {@code dt m}. */
    public static double modeFraction(double dt, int m) {
        return dt * m;
    }

    /**
     * Fills a layer's {@code log_dt} so that its modes spread from {@code lowestHz} to
     * {@code highestFraction} of Nyquist (see the class comment).
     *
     * @param logDt the layer's {@code log_dt}, in its layout: {@code [C, N]} for {@code dws} and
     *     {@code full}, {@code [J N]} for {@code s5}, {@code [J]} for {@code neck}
     * @param mode the layer's mode, which decides whether its states share a dt
     * @param states {@code N}, the states per block (per channel)
     * @param sampleRate the rate the layer runs at, in Hz (a layer behind resampling may run at a
     *     fraction of one)
     * @param lowestHz where the lowest oscillating mode goes, in Hz
     * @param highestFraction where the highest goes, as a fraction of Nyquist, in (0, 1)
     * @throws IllegalArgumentException if the band is empty or out of range, or the array does not
     *     fit the layout
     */
    public static void spreadLogDt(float[] logDt, BlockMode mode, int states, double sampleRate, double lowestHz,
                                   double highestFraction) {
        if (states < 1 || !(sampleRate > 0)) {
            throw new IllegalArgumentException("states (" + states + ") and sample rate (" + sampleRate
                    + ") must be positive");
        }
        double nyquist = sampleRate / 2.0;
        if (!(highestFraction > 0 && highestFraction < 1 && lowestHz > 0 && lowestHz <= highestFraction * nyquist)) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "the band %s Hz .. %s of Nyquist (%s Hz)"
                    + " must be non-empty, above 0 and below Nyquist", lowestHz, highestFraction, nyquist));
        }
        double lowest = lowestHz / nyquist;
        if (mode == BlockMode.NECK) {
            int top = Math.max(1, states - 1);
            double from = Math.min(highestFraction, lowest * top);
            for (int b = 0; b < logDt.length; b++) {
                logDt[b] = (float) Math.log(geometric(from, highestFraction, b, logDt.length) / top);
            }
            return;
        }
        if (logDt.length % states != 0) {
            throw new IllegalArgumentException("a " + mode.spelling() + " layer's log_dt has a whole number of "
                    + states + "-state rows, not " + logDt.length + " entries");
        }
        int channels = logDt.length / states;
        int slots = channels * Math.max(1, states - 1);
        for (int c = 0; c < channels; c++) {
            for (int m = 0; m < states; m++) {
                int harmonic = Math.max(1, m);
                double fraction = geometric(lowest, highestFraction, (harmonic - 1) * channels + c, slots);
                logDt[c * states + m] = (float) Math.log(fraction / harmonic);
            }
        }
    }

    /** Entry {@code i} of {@code count} of the geometric sequence {@code from .. to}; {@code to} if alone. */
    private static double geometric(double from, double to, int i, int count) {
        return count == 1 ? to : from * Math.pow(to / from, (double) i / (count - 1));
    }

    /**
     * How high a layer's initial modes reach.
     *
     * @param sampleRate the layer's rate, in Hz
     * @param highestFraction the highest upper half-power edge of any mode's resonance, as a
     *     fraction of Nyquist (at most 1): where the layer's response to a tone falls to half of
     *     what its highest mode responds with, in a sense the highest frequency it can follow
     * @param modes how many (state, dt) modes the layer has
     * @param oscillatingModes how many of them oscillate ({@code m >= 1}; with one state per
     *     block, none does, and dt only sets how fast the state forgets)
     * @param aliasedModes how many of them turn by more than half a cycle a sample
     *     ({@code dt m > 1}) and so alias to a lower frequency
     */
    public record Reach(int sampleRate, double highestFraction, int modes, int oscillatingModes, int aliasedModes) {
        public double nyquistHz() {
            return sampleRate / 2.0;
        }

        public double highestHz() {
            return highestFraction * nyquistHz();
        }

        /**
         * What is wrong with these modes for a waveform-level layer, if anything: they reach less
         * than {@code minFraction} of Nyquist, or some alias. The text has no subject, so that a
         * caller can put the layer's name in front ({@code "encoder.0: " + warning}).
         */
        public Optional<String> warning(double minFraction) {
            List<String> problems = new ArrayList<>();
            if (highestFraction < minFraction) {
                problems.add(String.format(Locale.ROOT, "its initial modes reach only %.0f Hz, %.1f%% of its %.0f Hz"
                        + " Nyquist frequency (less than %.0f%%), so at the waveform level it cannot follow speech"
                        + " when training starts: %s", highestHz(), 100 * highestFraction, nyquistHz(),
                        100 * minFraction, oscillatingModes > 0 ? "spread its dt over the band its sample rate allows"
                                : "with one state per block none of them oscillates; give it more states"));
            }
            if (aliasedModes > 0) {
                problems.add(String.format(Locale.ROOT, "%d of its %d initial modes turn by more than half a cycle"
                        + " a sample (dt times the state index above 1) and alias to lower frequencies: lower its"
                        + " largest dt", aliasedModes, modes));
            }
            return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
        }
    }

    /**
     * How high the modes of a layer with this {@code log_dt} reach at initialization (with
     * {@link Init#dynamics}' {@code A}): {@link #spreadLogDt}'s layouts. A mode's resonance is
     * that of a one-pole filter with pole {@code exp(-0.5 dt + i dt pi m)}, whose half-power edges
     * lie {@code acos((4r - 1 - r^2) / (2r))} radians a sample either side of its angle,
     * {@code r = exp(-0.5 dt)} (about {@code 0.5 dt} for small dt); an aliased mode's angle is
     * first folded back into {@code [0, pi]}.
     */
    public static Reach reach(float[] logDt, BlockMode mode, int states, int sampleRate) {
        if (states < 1 || sampleRate < 1) {
            throw new IllegalArgumentException("states (" + states + ") and sample rate (" + sampleRate
                    + ") must be positive");
        }
        double highest = 0;
        int modes = 0;
        int oscillating = 0;
        int aliased = 0;
        boolean shared = mode == BlockMode.NECK;
        for (int i = 0; i < logDt.length; i++) {
            double dt = Math.exp(logDt[i]);
            for (int m = shared ? 0 : i % states; m <= (shared ? states - 1 : i % states); m++) {
                double turn = modeFraction(dt, m);
                modes++;
                oscillating += m > 0 ? 1 : 0;
                aliased += turn > 1 ? 1 : 0;
                highest = Math.max(highest, upperEdge(dt, turn));
            }
        }
        return new Reach(sampleRate, highest, modes, oscillating, aliased);
    }

    /** The upper half-power edge, as a fraction of Nyquist (at most 1), of a mode turning {@code turn} pi a sample. */
    private static double upperEdge(double dt, double turn) {
        double r = Math.exp(-INITIAL_DECAY * dt);
        double cos = (4 * r - 1 - r * r) / (2 * r);
        double halfWidth = cos <= -1 ? Math.PI : Math.acos(Math.min(1, cos));
        double angle = Math.abs(Math.IEEEremainder(turn * Math.PI, 2 * Math.PI));
        return Math.min(1, (angle + halfWidth) / Math.PI);
    }
}
