package dev.ssmc.compiler.exec;

import dev.ssmc.runtime.tensor.Tensor;

/** A float32 signal {@code [batch][channels][length]} between the plan engine's steps. */
record Sig(int batch, int channels, int length, float[] x) {

    static Sig of(Tensor t) {
        return new Sig(t.dim(0), t.dim(1), t.dim(2), t.data());
    }

    static Sig zeros(int batch, int channels, int length) {
        return new Sig(batch, channels, length, new float[batch * channels * length]);
    }

    Tensor tensor() {
        return Tensor.of(x, batch, channels, length);
    }

    /** This signal followed by {@code next} along time. */
    Sig concat(Sig next) {
        if (length == 0) {
            return next;
        }
        Sig out = zeros(batch, channels, length + next.length);
        for (int r = 0; r < batch * channels; r++) {
            System.arraycopy(x, r * length, out.x, r * out.length, length);
            System.arraycopy(next.x, r * next.length, out.x, r * out.length + length, next.length);
        }
        return out;
    }

    /** Samples [from, to). */
    Sig slice(int from, int to) {
        Sig out = zeros(batch, channels, to - from);
        for (int r = 0; r < batch * channels; r++) {
            System.arraycopy(x, r * length + from, out.x, r * out.length, to - from);
        }
        return out;
    }
}
