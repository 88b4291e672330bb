/**
 * Allocation-free streaming of a network, one sequence sample by sample or in small chunks: what
 * a deployed (generated) network runs on live audio.
 *
 * <p>A network body is a {@link dev.ssmc.runtime.stream.FrameChain} of
 * {@link dev.ssmc.runtime.stream.FrameNode}s, built from the same constructor arguments as the
 * {@link dev.ssmc.runtime.model} layers it mirrors:
 * {@link dev.ssmc.runtime.stream.ActivationFrames} ({@code ActivationLayer}),
 * {@link dev.ssmc.runtime.stream.ResampleFrames} ({@code ResampleLayer}),
 * {@link dev.ssmc.runtime.stream.ResidualFrames} ({@code ResidualLayer}),
 * {@link dev.ssmc.runtime.stream.SsmFrames} with its general implementation
 * {@link dev.ssmc.runtime.stream.RecurrentSsmFrames} ({@code SsmBlockLayer}), and for classifiers
 * {@link dev.ssmc.runtime.stream.HeadFrames} ({@code Head}). Whoever builds a
 * {@link dev.ssmc.runtime.model.Model} can build the matching chain the same way.
 *
 * <p>Conventions: audio is frame-major, {@code buf[off + frame * channels + c]}; a call consumes
 * all its input and returns the number of output frames it wrote; outputs must not overlap
 * inputs; after the first call of a given size (or {@link dev.ssmc.runtime.stream.FrameNode#reserve}),
 * calls of at most that size allocate nothing, also after {@code reset()}. Single-threaded: one
 * stream per thread. Parameters are read at construction; rebuild after a weight update.
 * Results equal the model package's streaming up to float32 rounding (the SSM state is float here,
 * double in {@link dev.ssmc.runtime.model.SsmCarry}).
 */
package dev.ssmc.runtime.stream;
