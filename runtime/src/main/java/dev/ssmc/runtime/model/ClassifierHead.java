package dev.ssmc.runtime.model;

import dev.ssmc.runtime.nn.MeanOverTime;
import dev.ssmc.runtime.nn.Postact;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** The classifier head: the mean over time of the features, then linear layers each followed by a postact. */
public final class ClassifierHead {
    /** One linear layer: its checkpoint prefix, sizes and the postact after it. */
    public record Linear(String key, int in, int out, PostactKind after) {
    }

    private final List<Linear> layers;
    private final List<float[]> weights = new ArrayList<>();
    private final List<float[]> biases = new ArrayList<>();

    public ClassifierHead(List<Linear> layers, Params p) {
        this.layers = List.copyOf(layers);
        for (Linear l : layers) {
            weights.add(p.get(Params.join(l.key(), "weight")));
            biases.add(p.get(Params.join(l.key(), "bias")));
        }
    }

    /** The logits of the features' mean: {@code [batch][classes]}. */
    public Tensor apply(Signal features) {
        return run(features, null, null);
    }

    /** Runs the head, keeping each layer's input and pre-activation when {@code inputs} is given. */
    private Tensor run(Signal features, List<float[]> inputs, List<float[]> preacts) {
        int b = features.batch();
        float[] x = new float[b * features.channels()];
        MeanOverTime.forward(b, features.channels(), features.length(), features.x(), x);
        int width = features.channels();
        for (int i = 0; i < layers.size(); i++) {
            Linear l = layers.get(i);
            float[] y = new float[b * l.out()];
            dev.ssmc.runtime.nn.Dense.forward(b, l.in(), l.out(), x, y, weights.get(i), biases.get(i));
            if (inputs != null) {
                inputs.add(x);
                preacts.add(y);
            }
            width = Postact.outChannels(l.after(), l.out());
            float[] z = new float[b * width];
            Postact.forward(l.after(), b, l.out(), 1, y, z);
            x = z;
        }
        return Tensor.of(x, b, width);
    }

    /** The features' gradient from the logits' gradient; adds the linear layers' gradients to {@code grads}. */
    public float[] backward(Signal features, Tensor dLogits, Grads grads) {
        int b = features.batch();
        List<float[]> inputs = new ArrayList<>();
        List<float[]> preacts = new ArrayList<>();
        Tensor logits = run(features, inputs, preacts);
        dLogits.requireShape("the logits' gradient", logits.shape());
        float[] g = dLogits.data().clone();
        for (int i = layers.size() - 1; i >= 0; i--) {
            Linear l = layers.get(i);
            float[] dPre = new float[b * l.out()];
            Postact.backward(l.after(), b, l.out(), 1, preacts.get(i), g, dPre);
            float[] dIn = new float[b * l.in()];
            dev.ssmc.runtime.nn.Dense.backward(b, l.in(), l.out(), inputs.get(i), dPre, dIn, weights.get(i),
                    grads.of(Params.join(l.key(), "weight"), l.in() * l.out()), grads.of(Params.join(l.key(), "bias"), l.out()));
            g = dIn;
        }
        float[] dFeatures = new float[features.x().length];
        MeanOverTime.backward(b, features.channels(), features.length(), g, dFeatures);
        return dFeatures;
    }
}
