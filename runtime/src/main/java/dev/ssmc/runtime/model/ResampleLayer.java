package dev.ssmc.runtime.model;

import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.nn.Resampling;

/** Temporal resampling by an integer ratio; streaming waits for whole windows of a shortening mode. */
public final class ResampleLayer implements Layer {
    private final ResampleKind kind;
    private final int ratio;
    private final int cin;
    private final int cout;
    private final String key;
    private final float[] weight;
    private final float[] bias;

    /** @param key the checkpoint prefix of the conv's weight and bias */
    public ResampleLayer(ResampleKind kind, int ratio, int cin, int cout, String key, Params p) {
        this.kind = kind;
        this.ratio = ratio;
        this.cin = cin;
        this.cout = cout;
        this.key = key;
        this.weight = kind.hasWeight() ? p.get(Params.join(key, "weight")) : null;
        this.bias = kind.hasBias() ? p.get(Params.join(key, "bias")) : null;
    }

    public ResampleKind kind() {
        return kind;
    }

    public int ratio() {
        return ratio;
    }

    /** Whether the layer changes the sample rate (at ratio 1 it does not, whatever the mode). */
    boolean resamples() {
        return ratio > 1;
    }

    @Override
    public int outLength(int length) {
        return Resampling.outLength(kind, ratio, length);
    }

    @Override
    public Signal apply(Signal x) {
        if (x.length() == 0) {
            return Signal.zeros(x.batch(), cout, 0);
        }
        int outLength = outLength(x.length());
        float[] y = new float[x.batch() * cout * outLength];
        if (y.length > 0) {
            Resampling.forward(kind, ratio, x.batch(), cin, cout, x.length(), x.x(), y, weight, bias);
        }
        return new Signal(x.batch(), cout, outLength, y);
    }

    @Override
    public Signal forward(Signal x, Tape tape) {
        tape.push(x);
        return apply(x);
    }

    @Override
    public Signal backward(Signal dy, Tape tape, Grads grads) {
        Signal x = tape.pop();
        float[] dx = new float[x.x().length];
        float[] dW = weight == null ? null : grads.of(Params.join(key, "weight"), weight.length);
        float[] dB = bias == null ? null : grads.of(Params.join(key, "bias"), bias.length);
        Resampling.backward(kind, ratio, x.batch(), cin, cout, x.length(), x.x(), dy.x(), dx, weight, dW, dB);
        return new Signal(x.batch(), cin, x.length(), dx);
    }

    @Override
    public Streamer streamer(int batch) {
        return Layer.blockwise(this, kind.isUpsampling() ? 1 : ratio);
    }
}
