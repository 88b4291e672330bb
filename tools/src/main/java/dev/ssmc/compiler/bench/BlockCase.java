package dev.ssmc.compiler.bench;

import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Origin;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.runtime.io.InvalidInputException;
import java.util.List;
import java.util.Optional;

/**
 * One SSM block to benchmark on its own: a network of one SSM layer with its activations off (norm
 * none, postact identity), so it computes the block's contraction and, for dws, its pointwise conv:
 * the same math as the reference's layer built with these sizes and no activation.
 *
 * @param states N, per block for s5 and neck (as the reference's {@code num_states})
 * @param blocks J, state blocks (s5 and neck; 1 for dws and full)
 */
public record BlockCase(SsmMode mode, int in, int out, int states, int blocks) {
    /** The batch of the comparison cases (the later comparison with PyTorch). */
    public static final int COMPARISON_BATCH = 8;
    /** The length of the comparison cases. */
    public static final int COMPARISON_LENGTH = 4096;

    /** An {@link InvalidInputException} says, in the command line's words, which size is wrong. */
    public BlockCase {
        if (mode == null) {
            throw new InvalidInputException("give --mode dws|s5|neck|full");
        }
        positive("--in", in);
        positive("--out", out);
        positive("--states", states);
        positive("--blocks", blocks);
        if (blocks != 1 && (mode == SsmMode.DWS || mode == SsmMode.FULL)) {
            throw new InvalidInputException("--blocks applies to s5 and neck only; a " + mode.spelling()
                    + " block has one, not " + blocks);
        }
    }

    /** Checks a size given on the command line. */
    public static void positive(String option, int value) {
        if (value < 1) {
            throw new InvalidInputException(option + " must be at least 1, got " + value);
        }
    }

    /**
     * The case of the comparison with PyTorch for a mode: 64 channels in and out (16 for full), 16
     * states, 4 blocks for s5 and neck; run at batch {@link #COMPARISON_BATCH} and length
     * {@link #COMPARISON_LENGTH}.
     */
    public static BlockCase comparison(SsmMode mode) {
        int channels = mode == SsmMode.FULL ? 16 : 64;
        int blocks = mode == SsmMode.S5 || mode == SsmMode.NECK ? 4 : 1;
        return new BlockCase(mode, channels, channels, 16, blocks);
    }

    /** The layer: key "" (the reference's keys of a lone layer: {@code A}, {@code log_dt}, ...). */
    public SsmLayer layer() {
        return new SsmLayer(Origin.of(mode.spelling() + " block"), "", mode, in, out, states, blocks, false,
                Activation.NONE);
    }

    /** The one-layer network, planned for {@code planning}. */
    public Network network(Planning planning) {
        return new Network("bench_" + mode.spelling(), Origin.of("ssmc bench"), in, 0, List.of(layer()),
                Optional.empty(), planning);
    }

    /** For output: {@code s5 block: 64 -> 64 channels, 16 states x 4 blocks}. */
    public String describe() {
        return mode.spelling() + " block: " + in + " -> " + out + " channels, " + states + " state" + (states == 1 ? "" : "s")
                + (blocks > 1 ? " x " + blocks + " blocks" : "");
    }
}
