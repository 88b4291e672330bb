package dev.ssmc.runtime.model;

/** One node of a network body, in float32: whole sequences, training passes, streams. */
public interface Layer {
    /** The node on a whole sequence (eval mode). */
    Signal apply(Signal x);

    /** The forward pass, keeping on the tape what {@link #backward} needs. */
    Signal forward(Signal x, Tape tape);

    /** The input's gradient from the output's; adds every parameter's gradient to {@code grads}. */
    Signal backward(Signal dy, Tape tape, Grads grads);

    /** A stream of {@code batch} sequences fed chunk by chunk. */
    Streamer streamer(int batch);

    /** The output's length for an input of {@code length} samples: the same, but for resampling. */
    default int outLength(int length) {
        return length;
    }

    /** A layer fed chunk by chunk: returns the output samples the input so far determines. */
    interface Streamer {
        Signal process(Signal chunk);
    }

    /** The streamer of a layer that maps every whole block of {@code block} samples on its own: input waits for whole blocks. */
    static Streamer blockwise(Layer layer, int block) {
        return new Streamer() {
            private Signal pending;

            @Override
            public Signal process(Signal chunk) {
                Signal x = pending == null ? chunk : pending.concat(chunk);
                int whole = x.length() / block * block;
                pending = x.slice(whole, x.length());
                return layer.apply(x.slice(0, whole));
            }
        };
    }
}
