/**
 * Float32 forward and backward of every non-SSM layer of a Centaurus network: norms
 * ({@link dev.ssmc.runtime.nn.Norm}), postacts ({@link dev.ssmc.runtime.nn.Postact}), dropout
 * ({@link dev.ssmc.runtime.nn.Dropout}), temporal resampling ({@link dev.ssmc.runtime.nn.Resampling}),
 * channel mixing ({@link dev.ssmc.runtime.nn.ChannelMix}) and the classifier head
 * ({@link dev.ssmc.runtime.nn.MeanOverTime}, {@link dev.ssmc.runtime.nn.Dense}), for the plan
 * executor, generated code and the trainer.
 *
 * <p>Conventions shared by every op:
 * <ul>
 * <li>Signals are float arrays in {@code [batch][channels][time]} row-major order,
 *     {@code x[(b*C + c)*T + t]}, starting at index 0, sizes passed explicitly; arrays may be
 *     longer than needed. Head vectors are {@code [batch][features]}.
 * <li>Ops are static methods of small final classes. Arguments come as: kind/mode, sizes, then
 *     {@code x, y} (forward) or {@code x, dy, dx} (backward), then parameters, then parameter
 *     gradients, then state (saved statistics, masks, flags, scratch).
 * <li>Forward writes {@code y}. Backward writes {@code dx} and ADDS ({@code +=}) the parameter
 *     gradients, so they accumulate over a batch split into pieces; null gradient arrays are skipped.
 * <li>Nothing allocates: callers pass outputs, saved state and scratch, sized by the ops' static
 *     {@code *Size} methods. Sizes are checked before anything is written; bad shapes throw
 *     {@link dev.ssmc.runtime.tensor.ShapeException} or {@link java.lang.IllegalArgumentException}.
 * <li>Weight layouts are the reference checkpoint's (PyTorch's) so tensors load as they are.
 * <li>Single-threaded; callers parallelize over independent work.
 * </ul>
 */
package dev.ssmc.runtime.nn;
