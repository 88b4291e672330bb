package dev.ssmc.compiler.ir;

import java.util.ArrayList;
import java.util.List;

/**
 * One generalized SSM layer (see {@code centaurus-reference.md}, section 2), with its mixer.
 *
 * @param ssmOutChannels the channels the SSM and its pointwise conv produce (a glu output activation halves them)
 * @param key          the checkpoint prefix of the layer ("" for a layer file, "backbone.2.0.layer" in a network)
 * @param states       N, the number of states (per block for s5 and neck)
 * @param blocks       J, the number of state blocks (1 for dws and full)
 * @param activations  whether the layer's mixer applies its activation (dws always applies the input one)
 * @param act          the layer's activation: norm, postact and dropout
 * @param dt           how its {@code log_dt} starts in a fresh network
 */
public record SsmLayer(Origin origin, String key, SsmMode mode, int inChannels, int ssmOutChannels,
                       int states, int blocks, boolean activations, Activation act, DtInit dt) implements Node {

    /** A layer whose dt starts by the reference's rule. */
    public SsmLayer(Origin origin, String key, SsmMode mode, int inChannels, int ssmOutChannels, int states, int blocks,
                    boolean activations, Activation act) {
        this(origin, key, mode, inChannels, ssmOutChannels, states, blocks, activations, act, DtInit.REFERENCE);
    }

    /** The same layer under another checkpoint prefix and origin. */
    public SsmLayer rekeyed(Origin newOrigin, String newKey) {
        return new SsmLayer(newOrigin, newKey, mode, inChannels, ssmOutChannels, states, blocks, activations, act, dt);
    }

    @Override
    public Rational timeRatio() {
        return Rational.ONE;
    }

    /** The states that carry a dt and an A each: J*N for s5, N per channel (dws, full) or per block (neck). */
    public int totalStates() {
        return mode == SsmMode.S5 || mode == SsmMode.NECK ? blocks * states : states;
    }

    /** dws only: the channels that reach the pointwise conv after the input activation. */
    public int mixerInChannels() {
        return act.outFeatures(inChannels);
    }

    /** The channels the layer emits: its declared output, halved by a glu output activation. */
    @Override
    public int outChannels() {
        return activations ? act.outFeatures(ssmOutChannels) : ssmOutChannels;
    }

    /** dws: the norm before the pointwise conv. */
    public String inputNormKey() {
        return Keys.join(key, "mixer.0.0");
    }

    /** The norm of the output activation: {@code mixer.2.0} for dws, {@code mixer.0} otherwise. */
    public String outputNormKey() {
        return Keys.join(key, mode == SsmMode.DWS ? "mixer.2.0" : "mixer.0");
    }

    public String pointwiseKey() {
        return Keys.join(key, "mixer.1.weight");
    }

    public String param(String name) {
        return Keys.join(key, name);
    }

    /** The {@code log_dt} a fresh network starts this layer with, when it runs at {@code rateHz} (see {@link DtInit}). */
    public float[] initialLogDt(double rateHz) {
        List<ParamSpec> params = new ArrayList<>();
        collectParams(params);
        String logDt = param("log_dt");
        float[] out = new float[params.stream().filter(p -> p.key().equals(logDt)).findFirst().orElseThrow().size()];
        dt.fill(out, mode, states, rateHz);
        return out;
    }

    @Override
    public void validate() {
        if (inChannels < 1 || ssmOutChannels < 1) {
            throw new IrException(origin, "channel counts must be at least 1, got " + inChannels + " -> " + ssmOutChannels);
        }
        if (states < 1) {
            throw new IrException(origin, "states must be at least 1, got " + states);
        }
        if (blocks < 1) {
            throw new IrException(origin, "blocks must be at least 1, got " + blocks);
        }
        if (blocks != 1 && (mode == SsmMode.DWS || mode == SsmMode.FULL)) {
            throw new IrException(origin, "state blocks apply to s5 and neck layers only; a " + mode.spelling()
                    + " layer has one block, not " + blocks);
        }
        if (mode == SsmMode.DWS) {
            act.validate(origin, inChannels);
        }
        if (activations) {
            act.validate(origin, ssmOutChannels);
        }
    }

    @Override
    public void collectParams(List<ParamSpec> out) {
        int n = states;
        int j = blocks;
        int cin = inChannels;
        int cout = ssmOutChannels;
        switch (mode) {
            case DWS -> {
                out.add(ParamSpec.of(param("A"), ParamRole.SSM_DYNAMICS, cin, n, 2));
                out.add(ParamSpec.of(param("log_dt"), ParamRole.SSM_DYNAMICS, cin, n));
                out.add(ParamSpec.of(param("E"), ParamRole.WEIGHT, cin, n));
                Activation.normParams(act.norm(), inputNormKey(), cin, out);
                out.add(ParamSpec.of(pointwiseKey(), ParamRole.WEIGHT, cout, mixerInChannels(), 1));
            }
            case S5 -> {
                out.add(ParamSpec.of(param("A"), ParamRole.SSM_DYNAMICS, j * n, 2));
                out.add(ParamSpec.of(param("log_dt"), ParamRole.SSM_DYNAMICS, j * n));
                out.add(ParamSpec.of(param("B"), ParamRole.WEIGHT, j * n, cin));
                out.add(ParamSpec.of(param("C"), ParamRole.WEIGHT, cout, j * n));
            }
            case NECK -> {
                out.add(ParamSpec.of(param("A"), ParamRole.SSM_DYNAMICS, j, n, 2));
                out.add(ParamSpec.of(param("log_dt"), ParamRole.SSM_DYNAMICS, j));
                out.add(ParamSpec.of(param("B"), ParamRole.WEIGHT, j, cin));
                out.add(ParamSpec.of(param("C"), ParamRole.WEIGHT, cout, j));
                out.add(ParamSpec.of(param("E"), ParamRole.WEIGHT, j, n));
            }
            case FULL -> {
                out.add(ParamSpec.of(param("A"), ParamRole.SSM_DYNAMICS, cout, cin, n, 2));
                out.add(ParamSpec.of(param("log_dt"), ParamRole.SSM_DYNAMICS, cout, n));
                out.add(ParamSpec.of(param("E"), ParamRole.WEIGHT, cout, cin, n));
            }
        }
        if (activations) {
            Activation.normParams(act.norm(), outputNormKey(), cout, out);
        }
    }
}
