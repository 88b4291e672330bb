package dev.ssmc.runtime.model;

import dev.ssmc.runtime.nn.ChannelMix;
import java.util.HashMap;
import java.util.Map;

/**
 * An SSM layer: its block (the planned contraction, computed by a subclass: the plan executor or
 * generated code) and its mixer: for dws {@code act(Cin)}, the pointwise conv, then {@code act(Cout)}
 * when activations are on; for the other modes {@code act(Cout)} when they are on. Streaming adds
 * the state carried from earlier chunks to each chunk's zero-state response.
 */
public abstract class SsmBlockLayer implements Layer {
    protected final BlockShape shape;
    protected final String key;
    private final Params params;
    private final ActivationLayer inputAct;
    private final String pointwiseKey;
    private final ActivationLayer outputAct;
    protected Discretization discretization;
    private SsmCarry carry;

    /** The gradients of a block's contraction: the input's, the weight operands', and {@code S} of the dynamics. */
    public record BlockGradients(float[] input, Map<String, float[]> operands, float[] sRe, float[] sIm) {
    }

    /**
     * @param inputAct  dws: the activation before the pointwise conv; null otherwise
     * @param outputAct the output activation, or null when activations are off
     */
    protected SsmBlockLayer(BlockShape shape, String key, ActivationLayer inputAct, ActivationLayer outputAct,
                            Params params) {
        this.shape = shape;
        this.key = key;
        this.params = params;
        this.inputAct = inputAct;
        this.pointwiseKey = Params.join(key, "mixer.1.weight");
        this.outputAct = outputAct;
        prepare();
    }

    /** Recomputes the discretized operands from the stored parameters (after a training step changed them). */
    public final void prepare() {
        this.discretization = Discretization.of(shape, localParams());
        this.carry = new SsmCarry(discretization);
    }

    /** The block's stored tensors by local name (A, log_dt, B, C, E). */
    protected final Map<String, float[]> localParams() {
        Map<String, float[]> m = new HashMap<>();
        m.put("A", params.get(Params.join(key, "A")));
        m.put("log_dt", params.get(Params.join(key, "log_dt")));
        switch (shape.mode()) {
            case DWS, FULL -> m.put("E", params.get(Params.join(key, "E")));
            case S5 -> {
                m.put("B", params.get(Params.join(key, "B")));
                m.put("C", params.get(Params.join(key, "C")));
            }
            case NECK -> {
                m.put("B", params.get(Params.join(key, "B")));
                m.put("C", params.get(Params.join(key, "C")));
                m.put("E", params.get(Params.join(key, "E")));
            }
        }
        return m;
    }

    public BlockShape shape() {
        return shape;
    }

    /** The zero-state response of the block's contraction, {@code [batch][ssmChannels][length]}. */
    protected abstract float[] respond(float[] u, int batch, int length);

    /** The gradients of {@code sum(respond(u) * g)}. */
    protected abstract BlockGradients blockGradients(float[] u, float[] g, int batch, int length);

    private Signal ssm(Signal u) {
        if (u.length() == 0) {
            return Signal.zeros(u.batch(), shape.ssmChannels(), 0);
        }
        return new Signal(u.batch(), shape.ssmChannels(), u.length(), respond(u.x(), u.batch(), u.length()));
    }

    private Signal mix(Signal z, Tape tape) {
        Signal y = z;
        if (inputAct != null) {
            Signal a = tape == null ? inputAct.apply(z) : inputAct.forward(z, tape);
            float[] m = new float[a.batch() * shape.outChannels() * a.length()];
            if (a.length() > 0) {
                ChannelMix.forward(a.batch(), a.channels(), shape.outChannels(), a.length(), a.x(), m,
                        params.get(pointwiseKey));
            }
            if (tape != null) {
                tape.push(a);
            }
            y = new Signal(a.batch(), shape.outChannels(), a.length(), m);
        }
        if (outputAct != null) {
            y = tape == null ? outputAct.apply(y) : outputAct.forward(y, tape);
        }
        return y;
    }

    @Override
    public Signal apply(Signal x) {
        return mix(ssm(x), null);
    }

    @Override
    public Signal forward(Signal x, Tape tape) {
        Signal y = mix(ssm(x), tape);
        tape.push(x);
        return y;
    }

    @Override
    public Signal backward(Signal dy, Tape tape, Grads grads) {
        Signal u = tape.pop();
        Signal g = outputAct == null ? dy : outputAct.backward(dy, tape, grads);
        if (inputAct != null) {
            Signal a = tape.pop();
            float[] w = params.get(pointwiseKey);
            float[] da = new float[a.x().length];
            ChannelMix.backward(a.batch(), a.channels(), shape.outChannels(), a.length(), a.x(), g.x(), da, w,
                    grads.of(pointwiseKey, w.length), null);
            g = inputAct.backward(new Signal(a.batch(), a.channels(), a.length(), da), tape, grads);
        }
        BlockGradients bg = blockGradients(u.x(), g.x(), u.batch(), u.length());
        discretization.parameterGradients(localParams(), bg.operands(), bg.sRe(), bg.sIm())
                .forEach((name, grad) -> grads.add(Params.join(key, name), grad));
        return new Signal(u.batch(), shape.inChannels(), u.length(), bg.input());
    }

    @Override
    public Streamer streamer(int batch) {
        double[][] h = carry.zero(batch);
        return chunk -> {
            Signal z = ssm(chunk);
            carry.apply(chunk.x(), z.x(), chunk.batch(), chunk.length(), h);
            return mix(z, null);
        };
    }
}
