package dev.ssmc.compiler.ir;

import java.util.List;

/** The classifier head: the mean over time of the body's output (the features), then dense layers. */
public record Head(Origin origin, List<Dense> layers) {
    public Head {
        layers = List.copyOf(layers);
    }

    public int classes() {
        return layers.isEmpty() ? 0 : layers.get(layers.size() - 1).outFeatures();
    }
}
