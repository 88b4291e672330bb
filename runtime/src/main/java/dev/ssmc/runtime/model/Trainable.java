package dev.ssmc.runtime.model;

import java.util.List;
import java.util.Map;

/** A network that can be trained: every generated network class is one. */
public interface Trainable {
    /** The network as the runtime's layers. */
    Model model();

    /** The stored tensors by key: the live arrays an optimizer updates in place. */
    Map<String, float[]> parameters();

    /** Every stored tensor's key, shape and role, in checkpoint order. */
    List<Parameter> parameterList();

    /** Recomputes what the SSM blocks derive from the stored tensors, after they changed. */
    void prepare();
}
