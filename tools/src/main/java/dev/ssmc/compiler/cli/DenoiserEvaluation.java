package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.train.Spectrograms;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.train.EnhancementScore;
import dev.ssmc.runtime.train.EnhancementSet;
import dev.ssmc.runtime.train.EnhancementTask;
import dev.ssmc.runtime.train.NoisyPair;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * {@code ssmc eval} of a denoiser on the fixed pairs of {@code test/noisy} and {@code test/clean}:
 * each noisy file denoised whole (the network's full-sequence pass, output as long as the input),
 * the SI-SNR of input and output against the clean speech per file and on average, and last
 * {@code si_snri=X dB over N items} ({@link EnhancementScore}). With {@code --plots DIR}, a PNG of
 * the noisy, denoised and clean spectrograms side by side for a few files ({@link Spectrograms}),
 * the denoised output at the level of the clean speech ({@link #levelMatched}).
 */
final class DenoiserEvaluation {
    private DenoiserEvaluation() {
    }

    /**
     * @param plots where to write the spectrograms, or null for none
     * @param plotCount how many files to picture (see {@link #pictured})
     */
    static void run(Evaluated e, Path plots, int plotCount, PrintWriter out) {
        int rate = TrainingData.Enhancement.sampleRate(e.network());
        TrainingData.checkMono(e.network(), rate);
        TrainingData.Enhancement.checkDenoiser(e.network(), e.shapes());
        if (plots != null) {
            UserFiles.checkDirectory(plots, "--plots");
        }
        List<NoisyPair> pairs;
        try {
            pairs = EnhancementSet.readTest(e.data(), rate);
        } catch (IOException x) {
            throw UserFiles.failure(e.data(), x);
        }
        int longest = 0;
        for (NoisyPair p : pairs) {
            if (p.length() < e.shapes().minimumLength()) {
                throw new UserError(e.data().resolve(EnhancementSet.TEST_NOISY).resolve(p.name()) + ": " + p.length()
                        + " samples, shorter than one window of network " + e.network().name() + "'s resampling ("
                        + e.shapes().minimumLength() + " samples)");
            }
            longest = Math.max(longest, p.length());
        }
        MemoryNeeds.require(MemoryNeeds.forward(e.network(), 1, longest), "denoising with "
                + MemoryNeeds.describe(e.network()) + " a file of " + longest + " samples", "use shorter test files");
        Trainable net = e.load();
        List<float[]> denoised = EnhancementTask.denoise(net, pairs, e.shapes().minimumLength());
        EnhancementScore score = EnhancementScore.of(pairs, denoised);
        if (plots != null) {
            UserFiles.outputDirectory(plots, "--plots");
            int[] pictured = pictured(score, plotCount);
            for (int i : pictured) {
                NoisyPair pair = pairs.get(i);
                Path png = plots.resolve(pair.name().replaceAll("(?i)\\.wav$", "") + ".png");
                try {
                    Spectrograms.write(png, pair, levelMatched(denoised.get(i), pair.clean()), rate);
                } catch (IOException x) {
                    throw UserFiles.failure(png, x);
                }
            }
            out.printf("wrote %d spectrogram%s (noisy, denoised, clean) to %s%n", pictured.length,
                    pictured.length == 1 ? "" : "s", plots);
        }
        out.print(score.format());
    }

    /**
     * The {@code count} items to picture, spread evenly from the noisiest input to the cleanest (by
     * the input's SI-SNR), both ends included, so that they show the network at every noise level.
     */
    static int[] pictured(EnhancementScore score, int count) {
        List<EnhancementScore.Item> items = score.items();
        Integer[] byNoise = new Integer[items.size()];
        for (int i = 0; i < byNoise.length; i++) {
            byNoise[i] = i;
        }
        Arrays.sort(byNoise, Comparator.comparingDouble(i -> items.get(i).inputSiSnr()));
        int n = Math.min(count, byNoise.length);
        int[] chosen = new int[n];
        for (int k = 0; k < n; k++) {
            chosen[k] = byNoise[n == 1 ? byNoise.length / 2 : (int) ((long) k * (byNoise.length - 1) / (n - 1))];
        }
        return chosen;
    }

    /**
     * {@code output} at the gain that best matches {@code clean} (least squares): SI-SNR ignores the
     * output's level, so a network trained on it may give any, and on the picture's one colour scale
     * a quiet output would look silent. An output without any correlation with the clean speech is
     * left as it is.
     */
    static float[] levelMatched(float[] output, float[] clean) {
        double dot = 0;
        double energy = 0;
        for (int i = 0; i < output.length; i++) {
            dot += (double) output[i] * clean[i];
            energy += (double) output[i] * output[i];
        }
        double gain = dot != 0 ? dot / energy : 1;
        float[] scaled = new float[output.length];
        for (int i = 0; i < output.length; i++) {
            scaled[i] = (float) (gain * output[i]);
        }
        return scaled;
    }
}
