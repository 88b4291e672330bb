package dev.ssmc.runtime.model;

import dev.ssmc.runtime.nn.Dropout;
import dev.ssmc.runtime.nn.Norm;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.Postact;
import dev.ssmc.runtime.nn.PostactKind;

/**
 * {@code act(F)}: a norm, a postact, then dropout in training. In eval mode BatchNorm uses its
 * running statistics; in training its batch's, and it updates the running ones in place.
 */
public final class ActivationLayer implements Layer {
    private final NormKind norm;
    private final PostactKind postact;
    private final int channels;
    private final String weightKey;
    private final String biasKey;
    private final float[] weight;
    private final float[] bias;
    private final float[] runningMean;
    private final float[] runningVar;
    private final float dropout;

    /** @param key the norm's checkpoint prefix */
    public ActivationLayer(NormKind norm, PostactKind postact, String key, int channels, Params p) {
        this(norm, postact, 0, key, channels, p);
    }

    /**
     * @param dropout the probability of dropping a channel in training (the reference's Dropout1d,
     *                applied only from {@link Dropout#MIN_FEATURES} channels)
     * @param key     the norm's checkpoint prefix
     */
    public ActivationLayer(NormKind norm, PostactKind postact, double dropout, String key, int channels, Params p) {
        this.dropout = (float) dropout;
        this.norm = norm;
        this.postact = postact;
        this.channels = channels;
        boolean identity = Norm.isIdentity(norm, channels);
        this.weightKey = Params.join(key, norm == NormKind.RMS ? "rms_norm.weight" : "weight");
        this.biasKey = Params.join(key, "bias");
        this.weight = identity ? null : p.get(weightKey);
        this.bias = identity || norm == NormKind.RMS ? null : p.get(biasKey);
        this.runningMean = !identity && norm == NormKind.BATCH ? p.get(Params.join(key, "running_mean")) : null;
        this.runningVar = !identity && norm == NormKind.BATCH ? p.get(Params.join(key, "running_var")) : null;
    }

    public int outChannels() {
        return Postact.outChannels(postact, channels);
    }

    @Override
    public Signal apply(Signal x) {
        return forward(x, null);
    }

    /** What the backward pass needs: the input, the norm's statistics and output, the dropout mask (or null). */
    private record Saved(Signal x, float[] stats, float[] normed, float[] mask, boolean training) {
    }

    @Override
    public Signal forward(Signal x, Tape tape) {
        if (x.length() == 0) {
            return Signal.zeros(x.batch(), outChannels(), 0); // a chunk that brought no output yet
        }
        boolean training = tape != null && tape.training();
        float[] y = new float[x.x().length];
        float[] stats = new float[Norm.savedSize(norm, x.batch(), channels, x.length())];
        Norm.forward(norm, x.batch(), channels, x.length(), x.x(), y, weight, bias, runningMean, runningVar, stats, training);
        float[] z = new float[x.batch() * outChannels() * x.length()];
        Postact.forward(postact, x.batch(), channels, x.length(), y, z);
        float[] mask = null;
        if (training && Dropout.active(dropout, channels, true)) {
            mask = new float[x.batch() * outChannels()];
            Dropout.forward(x.batch(), outChannels(), x.length(), z, z, dropout, channels, true, tape.random(), mask);
        }
        if (tape != null) {
            tape.push(new Saved(x, stats, y, mask, training));
        }
        return new Signal(x.batch(), outChannels(), x.length(), z);
    }

    @Override
    public Signal backward(Signal dy, Tape tape, Grads grads) {
        Saved s = tape.pop();
        Signal x = s.x();
        float[] dz = dy.x();
        if (s.mask() != null) {
            dz = new float[dy.x().length];
            Dropout.backward(x.batch(), outChannels(), x.length(), dy.x(), dz, s.mask());
        }
        float[] dNormed = new float[x.x().length];
        Postact.backward(postact, x.batch(), channels, x.length(), s.normed(), dz, dNormed);
        float[] dWeight = weight == null ? null : grads.of(weightKey, weight.length);
        float[] dBias = bias == null ? null : grads.of(biasKey, bias.length);
        // the norm's input gradient overwrites its output gradient (Norm.backward allows dx == dy):
        // one signal-sized array fewer per pass
        float[] dx = dNormed;
        Norm.backward(norm, x.batch(), channels, x.length(), x.x(), dNormed, dx, weight, dWeight, dBias, s.stats(), s.training(),
                new float[Norm.scratchSize(norm, x.batch(), channels, x.length())]);
        return new Signal(x.batch(), channels, x.length(), dx);
    }

    @Override
    public Streamer streamer(int batch) {
        return this::apply; // chunk by chunk, as the reference streams
    }
}
