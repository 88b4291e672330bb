package dev.ssmc.runtime.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How much a denoiser improves a set of noisy recordings: per item the SI-SNR ({@link SiSnr}) of
 * the noisy input and of the network's output against the clean speech, and their difference, the
 * improvement; over the set the means, the mean improvement being {@code si_snri}. Each item is
 * scored whole, as one signal.
 *
 * <p>{@link #format()} prints one line per item, a line with the means, and last
 * {@code si_snri=X dB over N items} ({@link #summary()}, X with two decimals), always in that
 * form so that scripts can read it.
 *
 * @param items the items' scores, in the order they were given
 */
public record EnhancementScore(List<Item> items) {
    /**
     * One item's score.
     *
     * @param name the item's name (its file name)
     * @param inputSiSnr the SI-SNR of the noisy input, in dB
     * @param outputSiSnr the SI-SNR of the output, in dB
     */
    public record Item(String name, double inputSiSnr, double outputSiSnr) {
        /** Output minus input SI-SNR, in dB. */
        public double improvement() {
            return outputSiSnr - inputSiSnr;
        }
    }

    public EnhancementScore {
        items = List.copyOf(items);
        if (items.isEmpty()) {
            throw new IllegalArgumentException("there is nothing to score: no items");
        }
    }

    /**
     * Scores one output against its pair.
     *
     * @throws IllegalArgumentException if the output is not as long as the pair (trim a network's
     *     padding before scoring)
     */
    public static Item score(NoisyPair pair, float[] output) {
        if (output.length != pair.length()) {
            throw new IllegalArgumentException(pair.name() + ": the output has " + output.length
                    + " samples but the pair " + pair.length() + " (trim or pad the output to the input's length)");
        }
        return new Item(pair.name(), siSnr(pair.noisy(), pair.clean()), siSnr(output, pair.clean()));
    }

    /** Scores {@code outputs.get(i)} against {@code pairs.get(i)} for every {@code i}. */
    public static EnhancementScore of(List<NoisyPair> pairs, List<float[]> outputs) {
        if (pairs.size() != outputs.size()) {
            throw new IllegalArgumentException(outputs.size() + " outputs for " + pairs.size() + " pairs");
        }
        List<Item> items = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            items.add(score(pairs.get(i), outputs.get(i)));
        }
        return new EnhancementScore(items);
    }

    private static double siSnr(float[] estimate, float[] clean) {
        return SiSnr.perItem(estimate, clean, 1)[0];
    }

    /** The mean SI-SNR of the noisy inputs, in dB. */
    public double meanInput() {
        return items.stream().mapToDouble(Item::inputSiSnr).average().orElseThrow();
    }

    /** The mean SI-SNR of the outputs, in dB. */
    public double meanOutput() {
        return items.stream().mapToDouble(Item::outputSiSnr).average().orElseThrow();
    }

    /** The mean improvement, {@code si_snri}, in dB. */
    public double meanImprovement() {
        return items.stream().mapToDouble(Item::improvement).average().orElseThrow();
    }

    /** {@code si_snri=X dB over N items}, X the mean improvement with two decimals. */
    public String summary() {
        return String.format(Locale.ROOT, "si_snri=%.2f dB over %d items", meanImprovement(), items.size());
    }

    /** A line per item, a line of means, then {@link #summary()}; lines end with {@code \n}. */
    public String format() {
        int width = Math.max(4, items.stream().mapToInt(i -> i.name().length()).max().orElse(0));
        StringBuilder out = new StringBuilder();
        for (Item i : items) {
            out.append(line(width, i.name(), i.inputSiSnr(), i.outputSiSnr(), i.improvement()));
        }
        out.append(line(width, "mean", meanInput(), meanOutput(), meanImprovement()));
        return out.append(summary()).append('\n').toString();
    }

    private static String line(int width, String name, double input, double output, double improvement) {
        return String.format(Locale.ROOT, "%-" + width + "s  input %7.2f dB  output %7.2f dB  improvement %+7.2f dB\n",
                name, input, output, improvement);
    }
}
