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
 * {@link dev.ssmc.runtime.stream.HeadFrames} ({@code ClassifierHead}). Whoever builds a
 * {@link dev.ssmc.runtime.model.Model} can build the matching chain the same way.
 *
 * <p>A classifier stage with a residual SSM layer, then a pooling conv, streamed one sample at a time:
 * <pre>{@code
 * FrameNode layer = new RecurrentSsmFrames(new BlockShape(BlockMode.S5, 1, 16, 16, 4), "backbone.0.0.layer",
 *         null, null, params);
 * FrameChain body = FrameChain.of(
 *         new ResidualFrames(List.of(layer),
 *                 new ActivationFrames(NormKind.BATCH, PostactKind.IDENTITY, "backbone.0.0.residual_connect.norm_drop.0", 16, params),
 *                 new ActivationFrames(NormKind.NONE, PostactKind.GELU, "", 16, params)),
 *         new ResampleFrames(ResampleKind.DOWNSAMPLING, 4, 16, 32, "backbone.0.1.0", params),
 *         new ActivationFrames(NormKind.BATCH, PostactKind.GELU, "backbone.0.1.1.0", 32, params));
 * HeadFrames head = new HeadFrames(headLayers, params);
 * float[] sample = new float[1];            // a frame of one channel
 * float[] out = new float[body.maxOutFrames(1) * body.outChannels()];
 * while (microphone.read(sample)) {
 *     int n = body.process(sample, 0, 1, out, 0);
 *     head.accumulate(out, 0, n);
 * }
 * head.logits(logits);                       // whenever a decision is due
 * }</pre>
 *
 * <p>Conventions: audio is frame-major, {@code buf[off + frame * channels + c]}; a call consumes
 * all its input and returns the number of output frames it wrote; outputs must not overlap
 * inputs; after the first call of a given size (or {@link dev.ssmc.runtime.stream.FrameNode#reserve}),
 * calls of at most that size allocate nothing, also after {@code reset()}; the frames passed
 * within a call live in the calling thread's scratch arrays ({@code Scratch}), which a thread
 * sizes once for all the streams it runs. Single-threaded: one call of a stream at a time.
 * Parameters are read at construction; rebuild after a weight update.
 * Results equal the model package's streaming up to float32 rounding (the SSM state is float here,
 * double in {@link dev.ssmc.runtime.model.SsmCarry}).
 */
package dev.ssmc.runtime.stream;
