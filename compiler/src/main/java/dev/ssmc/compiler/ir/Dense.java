package dev.ssmc.compiler.ir;

import java.util.List;

/** A linear layer of the classifier head, {@code y = W x + b}, followed by a postact. */
public record Dense(String key, int in, int out, Postact after) {
    public void collectParams(List<ParamSpec> params) {
        params.add(ParamSpec.of(Keys.join(key, "weight"), ParamRole.WEIGHT, out, in));
        params.add(ParamSpec.of(Keys.join(key, "bias"), ParamRole.BIAS, out));
    }

    public int outFeatures() {
        return after.outFeatures(out);
    }
}
