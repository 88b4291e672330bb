package dev.ssmc.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The loss of enhancement training: a weighted sum of negative SI-SNR ({@link SiSnr#loss}, in dB,
 * averaged over the batch), the multi-resolution STFT loss ({@link MultiResolutionStft}) and L1
 * ({@link L1}, the mean over every sample), with the same sum of their gradients:
 *
 * <pre>
 *   loss = siSnrWeight * (-SI-SNR) + stftWeight * MRSTFT + l1Weight * L1
 * </pre>
 *
 * <p>SI-SNR, the default, is what evaluation scores, but it ignores the output's level (any
 * scaling of the output scores the same); a small STFT or L1 term pins the level down as well.
 * The terms' scales differ: minus SI-SNR is tens of dB, the STFT loss about 1 to 5, L1 about 0.01
 * to 0.1 on speech at normal levels; weights are in those units.
 *
 * <p>Written as {@link #spec()}: terms joined by {@code +}, each {@code name} or
 * {@code weight*name}, names {@value #SI_SNR_TERM}, {@value #STFT_TERM}, {@value #L1_TERM}, for example
 * {@code sisnr}, {@code sisnr+0.5*stft}, {@code stft+l1}; {@link #parse} reads it back.
 *
 * @param siSnrWeight the weight of minus SI-SNR
 * @param stftWeight the weight of the multi-resolution STFT loss
 * @param l1Weight the weight of L1
 * @param stftResolutions the STFT loss's resolutions
 */
public record EnhancementLoss(double siSnrWeight, double stftWeight, double l1Weight,
                              List<MultiResolutionStft.Resolution> stftResolutions) {
    public static final String SI_SNR_TERM = "sisnr";
    public static final String STFT_TERM = "stft";
    public static final String L1_TERM = "l1";

    public EnhancementLoss {
        for (double w : new double[] {siSnrWeight, stftWeight, l1Weight}) {
            if (!(w >= 0 && Double.isFinite(w))) {
                throw new IllegalArgumentException("loss weights must be finite and >= 0, not " + w);
            }
        }
        if (siSnrWeight + stftWeight + l1Weight == 0) {
            throw new IllegalArgumentException("at least one loss weight must be positive");
        }
        stftResolutions = List.copyOf(stftResolutions);
        if (stftResolutions.isEmpty()) {
            throw new IllegalArgumentException("the STFT loss needs at least one resolution");
        }
    }

    /** Negative SI-SNR alone: the default. */
    public static EnhancementLoss siSnr() {
        return new EnhancementLoss(1, 0, 0, MultiResolutionStft.DEFAULT_RESOLUTIONS);
    }

    /** Negative SI-SNR plus {@code stftWeight} times the multi-resolution STFT loss (default resolutions). */
    public static EnhancementLoss siSnrPlusStft(double stftWeight) {
        return new EnhancementLoss(1, stftWeight, 0, MultiResolutionStft.DEFAULT_RESOLUTIONS);
    }

    /**
     * Reads a {@link #spec()} (spaces allowed; the STFT loss gets the default resolutions).
     *
     * @throws IllegalArgumentException naming what is wrong: an unknown name (the known ones are
     *     listed), a weight that is not a number or is negative, a name given twice, or no positive
     *     weight
     */
    public static EnhancementLoss parse(String spec) {
        double[] weights = {Double.NaN, Double.NaN, Double.NaN};
        List<String> names = List.of(SI_SNR_TERM, STFT_TERM, L1_TERM);
        for (String term : spec.replace(" ", "").split("\\+", -1)) {
            int star = term.indexOf('*');
            String name = term.substring(star + 1).toLowerCase(Locale.ROOT);
            int k = names.indexOf(name);
            if (k < 0) {
                throw new IllegalArgumentException("loss '" + spec + "': unknown term '" + term
                        + "' (terms are name or weight*name, names " + String.join(", ", names) + ")");
            }
            if (!Double.isNaN(weights[k])) {
                throw new IllegalArgumentException("loss '" + spec + "': " + name + " is given twice");
            }
            weights[k] = star < 0 ? 1 : weight(spec, term.substring(0, star));
        }
        return new EnhancementLoss(orZero(weights[0]), orZero(weights[1]), orZero(weights[2]),
                MultiResolutionStft.DEFAULT_RESOLUTIONS);
    }

    private static double weight(String spec, String text) {
        try {
            double w = Double.parseDouble(text);
            if (w >= 0 && Double.isFinite(w)) {
                return w;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("loss '" + spec + "': weight '" + text + "' is not a number >= 0");
    }

    private static double orZero(double w) {
        return Double.isNaN(w) ? 0 : w;
    }

    /** The loss as {@link #parse} reads it: its terms with positive weights, a weight of 1 left out. */
    public String spec() {
        List<String> terms = new ArrayList<>();
        double[] weights = {siSnrWeight, stftWeight, l1Weight};
        String[] names = {SI_SNR_TERM, STFT_TERM, L1_TERM};
        for (int k = 0; k < 3; k++) {
            if (weights[k] > 0) {
                terms.add(weights[k] == 1 ? names[k] : String.format(Locale.ROOT, "%s*%s", weights[k], names[k]));
            }
        }
        return String.join("+", terms);
    }

    /**
     * The loss of {@code estimate} against {@code reference} ({@code [batch][length]} row-major)
     * and its gradient with respect to {@code estimate}.
     */
    public Loss of(float[] estimate, float[] reference, int batch) {
        float[] gradient = new float[estimate.length];
        double value = 0;
        if (siSnrWeight > 0) {
            value += add(siSnrWeight, SiSnr.loss(estimate, reference, batch), gradient);
        }
        if (stftWeight > 0) {
            value += add(stftWeight, new MultiResolutionStft(stftResolutions).of(estimate, reference, batch), gradient);
        }
        if (l1Weight > 0) {
            value += add(l1Weight, L1.of(estimate, reference), gradient);
        }
        return new Loss(value, gradient);
    }

    /** Adds {@code weight} times the term's gradient to {@code gradient}; returns its weighted value. */
    private static double add(double weight, Loss term, float[] gradient) {
        float[] g = term.gradient();
        for (int i = 0; i < g.length; i++) {
            gradient[i] += (float) (weight * g[i]);
        }
        return weight * term.value();
    }

    @Override
    public String toString() {
        return "EnhancementLoss[" + spec() + "]";
    }
}
