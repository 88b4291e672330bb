package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.model.Params;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The weights that the streams of one network share: a network's tensors ({@link #get}) and what
 * the stream nodes derive from them, made once (at the first stream that asks) and then handed to
 * every later stream ({@link #shared}). A stream's own arrays are then only its state and buffers:
 * the keyword spotter's streams kept 180 KB each when every stream derived its own copies.
 *
 * <p>The derived arrays are copies, so training may go on updating the tensors in place without
 * changing a stream's weights; a network starts a new {@code StreamWeights} when its weights change
 * (its {@code prepare()}), so that streams made after that see the new weights and streams made
 * before keep theirs. Thread-safe; a {@code make} must not itself ask for a shared value.
 */
public final class StreamWeights implements Params {
    private final Params tensors;
    private final Map<String, Object> derived = new ConcurrentHashMap<>();

    /** @param tensors the network's stored tensors by key */
    public StreamWeights(Params tensors) {
        this.tensors = tensors;
    }

    @Override
    public float[] get(String key) {
        return tensors.get(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T shared(String name, Supplier<T> make) {
        return (T) derived.computeIfAbsent(name, k -> make.get());
    }

    /** How many derived values are held (for tests). */
    int size() {
        return derived.size();
    }
}
