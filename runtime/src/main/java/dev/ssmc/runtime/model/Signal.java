package dev.ssmc.runtime.model;

import dev.ssmc.runtime.tensor.Tensor;

/** A float32 signal {@code [batch][channels][length]} between layers. */
public record Signal(int batch, int channels, int length, float[] x) {

    public static Signal of(Tensor t) {
        return new Signal(t.dim(0), t.dim(1), t.dim(2), t.data());
    }

    public static Signal zeros(int batch, int channels, int length) {
        return new Signal(batch, channels, length, new float[batch * channels * length]);
    }

    public Tensor tensor() {
        return Tensor.of(x, batch, channels, length);
    }

    /** This signal followed by {@code next} along time. */
    public Signal concat(Signal next) {
        if (length == 0) {
            return next;
        }
        Signal out = zeros(batch, channels, length + next.length);
        for (int r = 0; r < batch * channels; r++) {
            System.arraycopy(x, r * length, out.x, r * out.length, length);
            System.arraycopy(next.x, r * next.length, out.x, r * out.length + length, next.length);
        }
        return out;
    }

    /** Samples [from, to). */
    public Signal slice(int from, int to) {
        Signal out = zeros(batch, channels, to - from);
        for (int r = 0; r < batch * channels; r++) {
            System.arraycopy(x, r * length + from, out.x, r * out.length, to - from);
        }
        return out;
    }

    /** This signal with zeros appended up to {@code length} samples (itself when it is that long). */
    public Signal padTo(int length) {
        return length == this.length ? this : zeros(batch, channels, length).overwrite(this);
    }

    /** The first {@code length} samples (itself when it is that long). */
    public Signal cutTo(int length) {
        return length == this.length ? this : slice(0, length);
    }

    /** Copies {@code s}, no longer than this signal, over this one's first samples; returns this. */
    private Signal overwrite(Signal s) {
        for (int r = 0; r < batch * channels; r++) {
            System.arraycopy(s.x, r * s.length, x, r * length, s.length);
        }
        return this;
    }

    /** Elementwise product with a signal of the same shape. */
    public Signal times(Signal o) {
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[i] * o.x[i];
        }
        return new Signal(batch, channels, length, y);
    }

    /** Elementwise sum with a signal of the same shape. */
    public Signal plus(Signal o) {
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[i] + o.x[i];
        }
        return new Signal(batch, channels, length, y);
    }
}
