package dev.ssmc.gentests.support;

import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Signal;
import java.util.List;

/**
 * A way to feed a generated network its input chunk by chunk. The streaming properties run every
 * driver of {@link #all} on the same chunks.
 *
 * <p>Today the generated classes stream through their runtime model, {@code model().stream(input,
 * chunks)} ({@link #MODEL_STREAM}). The allocation-free API of the design ({@code newStream()}
 * returning a {@code Stream} with {@code process(float[] in, int offset, int length, float[] out)},
 * see design.md, "Runtime contract") is not generated yet: when it is, add its driver here
 * ({@code NEW_STREAM}: one {@code newStream()} per sequence, each chunk through {@code process}, the
 * outputs concatenated) and list it in {@link #all}; every streaming property then covers it.
 */
public interface StreamDriver {
    String name();

    /** The features and (with a head) logits of {@code input[batch][IN_CHANNELS][length]} fed in {@code chunks}. */
    References.Outputs run(GeneratedNetwork.Instance net, float[] input, int batch, int length, int[] chunks);

    StreamDriver MODEL_STREAM = new StreamDriver() {
        @Override
        public String name() {
            return "model().stream";
        }

        @Override
        public References.Outputs run(GeneratedNetwork.Instance net, float[] input, int batch, int length, int[] chunks) {
            Model.Outputs o = net.model().stream(new Signal(batch, net.network().inChannels(), length, input), chunks);
            return new References.Outputs(o.features() == null ? null : o.features().x(),
                    o.logits() == null ? null : o.logits().data());
        }
    };

    static List<StreamDriver> all() {
        return List.of(MODEL_STREAM);
    }
}
