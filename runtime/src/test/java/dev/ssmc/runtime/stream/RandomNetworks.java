package dev.ssmc.runtime.stream;

import dev.ssmc.runtime.model.BlockMode;
import dev.ssmc.runtime.model.BlockShape;
import dev.ssmc.runtime.nn.NormKind;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.nn.ResampleKind;
import dev.ssmc.runtime.stream.StreamTesting.Act;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.stream.StreamTesting.Resample;
import dev.ssmc.runtime.stream.StreamTesting.Residual;
import dev.ssmc.runtime.stream.StreamTesting.Spec;
import dev.ssmc.runtime.stream.StreamTesting.Ssm;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random small networks of every node kind, with their parameters registered in a {@link MapParams}:
 * SSM layers of every mode, activations, resampling of every mode, residual blocks and skip
 * additions around pooled bodies (a U-Net level: shorten, an SSM, lengthen back).
 */
final class RandomNetworks {
    static final NormKind[] CAUSAL_NORMS = {NormKind.BATCH, NormKind.LAYER_FEATURE, NormKind.RMS, NormKind.NONE};
    static final ResampleKind[] SHORTENING = {ResampleKind.SUBSAMPLING, ResampleKind.AVERAGE, ResampleKind.DOWNSAMPLING,
        ResampleKind.DOWNSAMPLING_WITH_BIAS, ResampleKind.DOWNSAMPLING_DW, ResampleKind.DOWNSHAPING};

    private final MapParams p;
    private final Random rnd;
    private final NormKind[] norms;
    private int next;
    /** The product of the shortening ratios so far: the input length must be a multiple of it. */
    int divisor = 1;

    RandomNetworks(MapParams p, NormKind[] norms) {
        this.p = p;
        this.rnd = p.rnd;
        this.norms = norms;
    }

    private String key() {
        return "n" + next++;
    }

    NormKind norm() {
        return norms[rnd.nextInt(norms.length)];
    }

    /**
     * A norm for {@code channels} channels. The norms over a frame's channels (layer-feature, rms)
     * are scale-free: they blow a frame whose channels are nearly equal (layer-feature) or nearly
     * zero (rms) back up to unit size, and the float32 rounding of the frame with it. On one to
     * three channels such frames are common enough in a random network that the comparison with
     * the model's double-precision SSM would fail on rounding alone; there they give way to the
     * causal norms without statistics.
     */
    NormKind norm(int channels) {
        NormKind k = norm();
        return channels < 4 && scaleFree(k) ? (rnd.nextBoolean() ? NormKind.BATCH : NormKind.NONE) : k;
    }

    static boolean scaleFree(NormKind k) {
        return k == NormKind.LAYER_FEATURE || k == NormKind.RMS;
    }

    /** A postact for {@code channels} channels: glu only where they are even. */
    PostactKind postact(int channels) {
        PostactKind[] all = PostactKind.values();
        while (true) {
            PostactKind k = all[rnd.nextInt(all.length)];
            if (k != PostactKind.GLU || channels % 2 == 0) {
                return k;
            }
        }
    }

    /** A body of 1 to {@code items} nodes from {@code cin} channels. */
    List<Spec> body(int cin, int items) {
        List<Spec> out = new ArrayList<>();
        int c = cin;
        int count = 1 + rnd.nextInt(items);
        for (int i = 0; i < count; i++) {
            double r = rnd.nextDouble();
            Spec s;
            if (r < 0.4) {
                s = ssm(c, 1 + rnd.nextInt(6), null);
            } else if (r < 0.5) {
                s = Act.of(p, norm(c), postact(c), key(), c);
            } else if (r < 0.7) {
                s = resample(c);
            } else if (r < 0.85) {
                s = residual(c);
            } else {
                s = skip(c);
            }
            out.add(s);
            c = s.outChannels();
        }
        return out;
    }

    /** An SSM layer {@code cin ->} {@code out} channels (its block is twice as wide when a glu halves them). */
    Ssm ssm(int cin, int out, BlockMode mode) {
        BlockMode m = mode != null ? mode : BlockMode.values()[rnd.nextInt(4)];
        boolean activations = rnd.nextBoolean();
        PostactKind post = postact(m == BlockMode.DWS ? cin : 2);
        int blockOut = activations && post == PostactKind.GLU ? 2 * out : out;
        int states = rnd.nextInt(5) == 0 ? 16 + rnd.nextInt(3) : 1 + rnd.nextInt(5);
        int blocks = m == BlockMode.S5 || m == BlockMode.NECK ? 1 + rnd.nextInt(3) : 1;
        NormKind norm = norm(m == BlockMode.DWS ? Math.min(cin, blockOut) : blockOut);
        BlockShape shape = conditioned(new BlockShape(m, cin, blockOut, states, blocks), norm, activations);
        return Ssm.of(p, shape, key(), norm, post, activations);
    }

    /**
     * The shape with enough states that a norm over the channels is well conditioned (see
     * {@link #norm(int)}): the output frame of s5 lies in a space of {@code J*N} dimensions, neck's
     * in one of {@code J}, so with few of them it is as if there were few channels. Such shapes
     * stay in the tests with the other norms.
     */
    static BlockShape conditioned(BlockShape s, NormKind norm, boolean activations) {
        if (!activations || !scaleFree(norm)) {
            return s;
        }
        return switch (s.mode()) {
            case S5 -> s.states() * s.blocks() >= 4 ? s : new BlockShape(s.mode(), s.inChannels(), s.outChannels(), 4, s.blocks());
            case NECK -> s.blocks() >= 4 ? s : new BlockShape(s.mode(), s.inChannels(), s.outChannels(), s.states(), 4);
            default -> s;
        };
    }

    /** Resampling of a random mode and ratio from {@code c} channels. */
    Resample resample(int c) {
        ResampleKind kind = ResampleKind.values()[rnd.nextInt(ResampleKind.values().length)];
        int ratio = 1 + rnd.nextInt(3);
        int cout = c;
        switch (kind) {
            case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS, UPSAMPLING, UPSAMPLING_WITH_BIAS -> cout = 1 + rnd.nextInt(6);
            case DOWNSHAPING -> cout = c * ratio;
            case UPSHAPING -> {
                if (c % ratio != 0) {
                    ratio = 1;
                }
                cout = c / ratio;
            }
            default -> {
            }
        }
        if (ratio > 1 && !kind.isUpsampling()) {
            divisor *= ratio;
        }
        return Resample.of(p, kind, ratio, c, cout, key());
    }

    /** {@code post(x + norm(body(x)))} around one or two layers that keep the channels. */
    Residual residual(int c) {
        List<Spec> body = new ArrayList<>();
        body.add(ssm(c, c, null));
        if (rnd.nextBoolean()) {
            body.add(rnd.nextBoolean() ? ssm(c, c, null) : Act.of(p, norm(c), PostactKind.TANH, key(), c));
        }
        return Residual.of(p, body, norm(c), postact(c), key());
    }

    /** A skip addition around a pooled body: shorten by r, an SSM, lengthen by r back to {@code c} channels. */
    Residual skip(int c) {
        int r = 2 + rnd.nextInt(2);
        Resample down = shortening(c, r);
        int inner = down.outChannels();
        Ssm mid = ssm(inner, 1 + rnd.nextInt(5), null);
        int m = mid.outChannels();
        ResampleKind upKind;
        if (m == c && rnd.nextBoolean()) {
            upKind = ResampleKind.REPEAT;
        } else if (m == c * r && rnd.nextBoolean()) {
            upKind = ResampleKind.UPSHAPING;
        } else {
            upKind = rnd.nextBoolean() ? ResampleKind.UPSAMPLING : ResampleKind.UPSAMPLING_WITH_BIAS;
        }
        Resample up = Resample.of(p, upKind, r, m, c, key());
        List<Spec> body = new ArrayList<>(List.of(down, mid, up));
        return Residual.of(p, body, NormKind.NONE, PostactKind.IDENTITY, key());
    }

    /** A shortening resample of ratio r from c channels. */
    Resample shortening(int c, int r) {
        ResampleKind kind = SHORTENING[rnd.nextInt(SHORTENING.length)];
        int cout = switch (kind) {
            case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS -> 1 + rnd.nextInt(6);
            case DOWNSHAPING -> c * r;
            default -> c;
        };
        divisor *= r;
        return Resample.of(p, kind, r, c, cout, key());
    }
}
