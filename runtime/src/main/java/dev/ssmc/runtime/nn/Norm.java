package dev.ssmc.runtime.nn;

import dev.ssmc.runtime.kernels.Parallel;
import dev.ssmc.runtime.kernels.VectorSupport;
import java.util.Arrays;

/**
 * The norms ({@link NormKind}) of an activation block, forward and backward, in float32, on
 * signals {@code x[batch][channels][length]} ({@code x[(b*C + c)*T + t]}).
 *
 * <p>Every kind computes {@code y = (x - mu) * r * w + bias} where {@code r = 1/sqrt(var + eps)},
 * with {@code mu}, {@code var} (biased) taken over a statistics group:
 * <ul>
 * <li>{@code batch} ({@code nn.BatchNorm1d(C)}, eps 1e-5): group = one channel over all batch
 *     elements and time steps; {@code w, bias} per channel. In training the batch statistics are
 *     used and the running statistics updated in place,
 *     {@code running_mean = 0.9 running_mean + 0.1 mu}, {@code running_var = 0.9 running_var
 *     + 0.1 var * n/(n-1)} (the unbiased variance, {@code n = batch*length}, which must be at least
 *     2, as PyTorch requires); in eval the running statistics are used instead of {@code mu, var}.
 * <li>{@code layer-feature} ({@code nn.LayerNorm(C)} over channels, eps 1e-5): group = the
 *     channels of one {@code (b, t)}; {@code w, bias} per channel. The identity when {@code C == 1}.
 * <li>{@code rms} ({@code nn.RMSNorm(C)} over channels, eps = float32 machine epsilon): group =
 *     the channels of one {@code (b, t)}, {@code mu = 0} and {@code var = mean(x^2)}; {@code w}
 *     per channel, no bias. The identity when {@code C == 1}.
 * <li>{@code layer} ({@code nn.LayerNorm(F)} on the time axis, so {@code T == F}, eps 1e-5):
 *     group = the time steps of one {@code (b, c)}; {@code w, bias} indexed by time ({@code length}
 *     floats each).
 * <li>{@code group} ({@code nn.GroupNorm(4, C)}, eps 1e-5; {@code C} divisible by 4) and
 *     {@code instance} ({@code nn.GroupNorm(C, C)}): group = {@code C/G} consecutive channels of one
 *     batch element over all time steps; {@code w, bias} per channel.
 * <li>{@code none}: the identity.
 * </ul>
 * The weights of a kind are {@link #weightSize} floats ({@link #biasSize} for the bias; zero for
 * identities, which ignore their parameter arguments, so they may be null).
 *
 * <p>{@code saved} ({@link #savedSize} floats) receives, for the {@code S} statistics groups,
 * the means in {@code saved[0..S)} and the {@code r} in {@code saved[S..2S)}: per channel
 * ({@code S = C}) for batch, per {@code (b, t)} ({@code S = B*T}, index {@code b*T + t}) for
 * layer-feature and rms (whose means are 0), per {@code (b, c)} ({@code S = B*C}) for layer, per
 * {@code (b, g)} ({@code S = B*G}) for group/instance. It is also the forward's working space, so it
 * is required whenever its size is not 0, in inference too. Eval-mode batch norm saves the running
 * statistics there, so its backward is the linear map {@code dx = dy * w * r} with the running
 * statistics (the golden gradients were taken in eval mode) even if a training step changed them
 * meanwhile.
 *
 * <p>{@link #backward} takes the forward's input {@code x}, {@code saved} and {@code training} flag,
 * writes {@code dx} and ADDS the parameter gradients to {@code dWeight}/{@code dBias} (either may
 * be null to skip it; rms takes no {@code dBias}). Whenever the statistics depend on {@code x}
 * (every kind except eval-mode batch norm) the gradient goes through them:
 * {@code dx = r (g - mean(g) - xhat mean(g xhat))} with {@code g = w dy} and means over the
 * statistics group (rms: without the {@code mean(g)} term); eval-mode batch norm is
 * {@code dx = w r dy}. layer-feature and rms need {@code scratch} ({@link #scratchSize} floats;
 * may be null when that is 0).
 *
 * <p>Precision: statistics over many values (batch, layer, group) are accumulated in double;
 * the per-time-step channel sums of layer-feature and rms are float vectors (so the inner loops run
 * along time). Aliasing: forward {@code y} may be {@code x} when no backward follows (backward reads
 * {@code x}); backward {@code dx} may be {@code dy}. Batch norm splits its rows between threads
 * (its sums added in the order one thread adds them, so the same bits on any thread count) and
 * allocates a few arrays of per-row and per-channel sums; the other kinds allocate nothing and
 * run on the calling thread.
 */
public final class Norm {
    private Norm() {
    }

    /** eps of batch, layer-feature, layer, group and instance norms (PyTorch's default). */
    public static final float EPS = 1e-5f;
    /** eps of the rms norm: float32 machine epsilon, {@code torch.finfo(float32).eps}. */
    public static final float RMS_EPS = 1.1920929e-07f;
    /** Running-statistics momentum of batch norm (PyTorch's default). */
    public static final float MOMENTUM = 0.1f;
    /** The group count of {@link NormKind#GROUP}. */
    public static final int GROUPS = 4;
    /** Whether the row loops take their vector paths ({@link NormVector}; see {@link VectorSupport}). */
    private static final boolean VECTOR = VectorSupport.enabled();

    /** Whether {@code kind} on {@code channels} channels is the identity (none; layer-feature and rms on one channel). */
    public static boolean isIdentity(NormKind kind, int channels) {
        return kind == NormKind.NONE
                || (channels == 1 && (kind == NormKind.LAYER_FEATURE || kind == NormKind.RMS));
    }

    /** Floats of the weight: {@code length} for layer, 0 for identities, else {@code channels}. */
    public static int weightSize(NormKind kind, int channels, int length) {
        if (isIdentity(kind, channels)) {
            return 0;
        }
        return kind == NormKind.LAYER ? length : channels;
    }

    /** Floats of the bias: like {@link #weightSize}, but 0 for rms. */
    public static int biasSize(NormKind kind, int channels, int length) {
        return kind == NormKind.RMS ? 0 : weightSize(kind, channels, length);
    }

    /** Floats of each running statistic ({@code running_mean}, {@code running_var}): {@code channels} for batch, else 0. */
    public static int runningSize(NormKind kind, int channels) {
        return kind == NormKind.BATCH ? channels : 0;
    }

    /** The number of channel groups of group ({@value #GROUPS}) and instance ({@code channels}) norms. */
    public static int groups(NormKind kind, int channels) {
        if (kind == NormKind.INSTANCE) {
            return channels;
        }
        if (kind == NormKind.GROUP) {
            if (channels % GROUPS != 0) {
                throw new IllegalArgumentException("group norm needs a channel count divisible by " + GROUPS
                        + ", got " + channels);
            }
            return GROUPS;
        }
        throw new IllegalArgumentException(kind + " has no channel groups");
    }

    /** Floats of {@code saved}: twice the number of statistics groups (see the class comment). */
    public static int savedSize(NormKind kind, int batch, int channels, int length) {
        if (isIdentity(kind, channels)) {
            return 0;
        }
        switch (kind) {
            case BATCH:
                return 2 * channels;
            case LAYER_FEATURE:
            case RMS:
                return Math.toIntExact(2L * batch * length);
            case LAYER:
                return Math.toIntExact(2L * batch * channels);
            case GROUP:
            case INSTANCE:
                return Math.toIntExact(2L * batch * groups(kind, channels));
            default:
                throw new AssertionError(kind);
        }
    }

    /** Floats of backward's {@code scratch}: {@code 2*length} for layer-feature, {@code length} for rms, else 0. */
    public static int scratchSize(NormKind kind, int batch, int channels, int length) {
        if (isIdentity(kind, channels)) {
            return 0;
        }
        if (kind == NormKind.LAYER_FEATURE) {
            return 2 * length;
        }
        return kind == NormKind.RMS ? length : 0;
    }

    /**
     * Normalizes {@code x[batch][channels][length]} into {@code y} (same shape).
     *
     * @param weight      {@link #weightSize} floats
     * @param bias        {@link #biasSize} floats (null for rms)
     * @param runningMean batch norm's running mean ({@code channels} floats): read in eval, updated in
     *                    training (null there to skip the update); unused by other kinds
     * @param runningVar  batch norm's running variance, likewise
     * @param saved       {@link #savedSize} floats, written (see the class comment)
     * @param training    batch statistics (and running-statistics updates) for batch norm; other
     *                    kinds compute the same in both modes
     */
    public static void forward(NormKind kind, int batch, int channels, int length, float[] x, float[] y,
                               float[] weight, float[] bias, float[] runningMean, float[] runningVar,
                               float[] saved, boolean training) {
        int n = checkSignal(batch, channels, length, x, "y", y);
        if (isIdentity(kind, channels)) {
            if (x != y) {
                System.arraycopy(x, 0, y, 0, n);
            }
            return;
        }
        checkParams(kind, batch, channels, length, weight, saved);
        if (kind == NormKind.RMS) {
            if (bias != null) {
                throw new IllegalArgumentException("rms norm has no bias: pass bias = null");
            }
        } else {
            Checks.size("bias", bias, biasSize(kind, channels, length));
        }
        switch (kind) {
            case BATCH:
                if (training) {
                    if ((long) batch * length < 2) {
                        throw new IllegalArgumentException("batch norm in training needs more than one value per channel, "
                                + "got batch " + batch + " x length " + length);
                    }
                    Checks.sizeOrNull("runningMean", runningMean, channels);
                    Checks.sizeOrNull("runningVar", runningVar, channels);
                    batchTrainForward(batch, channels, length, x, y, weight, bias, runningMean, runningVar, saved);
                } else {
                    Checks.size("runningMean", runningMean, channels);
                    Checks.size("runningVar", runningVar, channels);
                    batchEvalForward(batch, channels, length, x, y, weight, bias, runningMean, runningVar, saved);
                }
                break;
            case LAYER_FEATURE:
                featureForward(false, batch, channels, length, x, y, weight, bias, saved);
                break;
            case RMS:
                featureForward(true, batch, channels, length, x, y, weight, null, saved);
                break;
            case LAYER:
                layerForward(batch, channels, length, x, y, weight, bias, saved);
                break;
            case GROUP:
            case INSTANCE:
                groupForward(batch, channels, groups(kind, channels), length, x, y, weight, bias, saved);
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    /**
     * The gradient of {@link #forward}: writes {@code dx} from {@code dy} and adds the parameter
     * gradients to {@code dWeight} and {@code dBias} (null to skip).
     *
     * @param x        the forward's input
     * @param weight   the forward's weight
     * @param saved    the forward's {@code saved}
     * @param training the forward's mode (batch norm: whether the statistics depend on {@code x})
     * @param scratch  {@link #scratchSize} floats of working space
     */
    public static void backward(NormKind kind, int batch, int channels, int length, float[] x, float[] dy,
                                float[] dx, float[] weight, float[] dWeight, float[] dBias, float[] saved,
                                boolean training, float[] scratch) {
        int n = checkSignal(batch, channels, length, x, "dx", dx);
        Checks.size("dy", dy, n);
        if (isIdentity(kind, channels)) {
            if (dy != dx) {
                System.arraycopy(dy, 0, dx, 0, n);
            }
            return;
        }
        checkParams(kind, batch, channels, length, weight, saved);
        Checks.sizeOrNull("dWeight", dWeight, weightSize(kind, channels, length));
        Checks.sizeOrNull("dBias", dBias, biasSize(kind, channels, length));
        if (kind == NormKind.RMS && dBias != null) {
            throw new IllegalArgumentException("rms norm has no bias: pass dBias = null");
        }
        Checks.size("scratch", scratch, scratchSize(kind, batch, channels, length));
        switch (kind) {
            case BATCH:
                batchBackward(batch, channels, length, x, dy, dx, weight, dWeight, dBias, saved, training);
                break;
            case LAYER_FEATURE:
                featureBackward(false, batch, channels, length, x, dy, dx, weight, dWeight, dBias, saved, scratch);
                break;
            case RMS:
                featureBackward(true, batch, channels, length, x, dy, dx, weight, dWeight, null, saved, scratch);
                break;
            case LAYER:
                layerBackward(batch, channels, length, x, dy, dx, weight, dWeight, dBias, saved);
                break;
            case GROUP:
            case INSTANCE:
                groupBackward(batch, channels, groups(kind, channels), length, x, dy, dx, weight, dWeight, dBias, saved);
                break;
            default:
                throw new AssertionError(kind);
        }
    }

    private static int checkSignal(int batch, int channels, int length, float[] x, String outName, float[] out) {
        Checks.positive("batch", batch);
        Checks.positive("channels", channels);
        Checks.positive("length", length);
        int n = (int) Checks.volume(batch, channels, length);
        Checks.size("x", x, n);
        Checks.size(outName, out, n);
        return n;
    }

    private static void checkParams(NormKind kind, int batch, int channels, int length, float[] weight,
                                    float[] saved) {
        Checks.size("weight", weight, weightSize(kind, channels, length));
        Checks.size("saved", saved, savedSize(kind, batch, channels, length));
    }

    // ---- batch ----

    /*
     * Batch norm's statistics sum over the batch and time of each channel. Every row (one batch
     * element's channel) is summed on its own, rows in parallel, and a channel's row sums are then
     * added in batch order: the same sums in the same order as one thread going channel by channel,
     * so results do not depend on the thread count.
     */

    private static void batchTrainForward(int batch, int channels, int length, float[] x, float[] y, float[] weight,
                                          float[] bias, float[] runningMean, float[] runningVar, float[] saved) {
        long count = (long) batch * length;
        int rows = batch * channels;
        double[] rowSums = new double[rows];
        eachRow(rows, length, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                rowSums[row] = sum(VECTOR, x, row * length, length);
            }
        });
        // in double: x - mean from a float mean loses digits when sigma << |mean|
        double[] mean = new double[channels];
        for (int c = 0; c < channels; c++) {
            mean[c] = channelSum(rowSums, batch, channels, c) / count;
        }
        eachRow(rows, length, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                rowSums[row] = squaredDeviations(VECTOR, x, row * length, length, mean[row % channels]);
            }
        });
        float[] scale = new float[channels];
        for (int c = 0; c < channels; c++) {
            double ss = channelSum(rowSums, batch, channels, c);
            double var = ss / count;
            float r = (float) (1.0 / Math.sqrt(var + EPS));
            saved[c] = (float) mean[c];
            saved[channels + c] = r;
            if (runningMean != null) {
                runningMean[c] = (float) ((1.0 - MOMENTUM) * runningMean[c] + (double) MOMENTUM * mean[c]);
            }
            if (runningVar != null) {
                runningVar[c] = (float) ((1.0 - MOMENTUM) * runningVar[c] + (double) MOMENTUM * (ss / (count - 1)));
            }
            scale[c] = r * weight[c];
        }
        eachRow(rows, length, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int c = row % channels;
                affine(VECTOR, x, y, row * length, length, mean[c], scale[c], bias[c]);
            }
        });
    }

    private static void batchEvalForward(int batch, int channels, int length, float[] x, float[] y, float[] weight,
                                         float[] bias, float[] runningMean, float[] runningVar, float[] saved) {
        for (int c = 0; c < channels; c++) {
            saved[c] = runningMean[c];
            saved[channels + c] = (float) (1.0 / Math.sqrt((double) runningVar[c] + EPS));
        }
        int rows = batch * channels;
        if (Parallel.splits(rows, 1, (long) rows * length)) {
            Parallel.forRange(rows, 1, (long) rows * length,
                    (r0, r1) -> evalRows(r0, r1, channels, length, x, y, weight, bias, saved));
        } else {
            evalRows(0, rows, channels, length, x, y, weight, bias, saved); // allocates nothing: streams run this
        }
    }

    /**
     * Rows {@code [r0, r1)} of {@link #batchEvalForward}, with the statistics already in {@code saved}.
     * On the scalar path always: streams run this chunk by chunk and promise to allocate nothing
     * after their first call, JIT or not, and the Vector API's code allocates until it is compiled.
     */
    private static void evalRows(int r0, int r1, int channels, int length, float[] x, float[] y, float[] weight,
                                 float[] bias, float[] saved) {
        for (int row = r0; row < r1; row++) {
            int c = row % channels;
            affine(false, x, y, row * length, length, saved[c], saved[channels + c] * weight[c], bias[c]);
        }
    }

    private static void batchBackward(int batch, int channels, int length, float[] x, float[] dy, float[] dx,
                                      float[] weight, float[] dWeight, float[] dBias, float[] saved, boolean training) {
        long count = (long) batch * length;
        int rows = batch * channels;
        double[] rowDy = new double[rows];
        double[] rowDyXhat = new double[rows];
        eachRow(rows, length, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int c = row % channels;
                int o = row * length;
                rowDy[row] = sum(VECTOR, dy, o, length);
                rowDyXhat[row] = xhatDot(VECTOR, dy, x, o, length, saved[c], saved[channels + c]);
            }
        });
        float[] scale = new float[channels];
        float[] m1 = new float[channels];
        float[] m2 = new float[channels];
        for (int c = 0; c < channels; c++) {
            double sdy = channelSum(rowDy, batch, channels, c);
            double sdyx = channelSum(rowDyXhat, batch, channels, c);
            if (dWeight != null) {
                dWeight[c] += (float) sdyx;
            }
            if (dBias != null) {
                dBias[c] += (float) sdy;
            }
            scale[c] = weight[c] * saved[channels + c];
            m1[c] = (float) (sdy / count);
            m2[c] = (float) (sdyx / count);
        }
        eachRow(rows, length, (r0, r1) -> {
            for (int row = r0; row < r1; row++) {
                int c = row % channels;
                int o = row * length;
                float s = scale[c];
                if (training) {
                    float mean = saved[c];
                    float r = saved[channels + c];
                    float a = m1[c];
                    float b = m2[c];
                    // a float loop, which the JIT vectorizes itself (the Vector API's was no faster)
                    for (int t = 0; t < length; t++) {
                        float xh = (x[o + t] - mean) * r;
                        dx[o + t] = s * (dy[o + t] - a - xh * b);
                    }
                } else {
                    for (int t = 0; t < length; t++) {
                        dx[o + t] = s * dy[o + t];
                    }
                }
            }
        });
    }

    /** {@code sum_b rowValues[b * channels + c]}, in batch order from 0. */
    private static double channelSum(double[] rowValues, int batch, int channels, int c) {
        double s = 0;
        for (int b = 0; b < batch; b++) {
            s += rowValues[b * channels + c];
        }
        return s;
    }

    /** Runs {@code body} over rows {@code [0, rows)} of {@code length} values, split between threads when long enough. */
    private static void eachRow(int rows, int length, Parallel.Range body) {
        Parallel.forRange(rows, 1, (long) rows * length, body);
    }

    // ---- layer-feature and rms: over the channels of each (b, t) ----

    private static void featureForward(boolean rms, int batch, int channels, int length, float[] x, float[] y,
                                       float[] weight, float[] bias, float[] saved) {
        int stats = batch * length;
        double eps = rms ? RMS_EPS : EPS;
        for (int b = 0; b < batch; b++) {
            int base = b * channels * length;
            int mo = b * length;          // means
            int ro = stats + b * length;  // 1/sigma
            // statistics in double: over few, nearly equal channels, x - mean taken from a float
            // mean is a few ulps of x, which 1/sigma magnifies (two channels 6e-4 apart: 1e-4 in y)
            for (int t = 0; t < length; t++) {
                double mu = 0;
                if (!rms) {
                    for (int c = 0; c < channels; c++) {
                        mu += x[base + c * length + t];
                    }
                    mu /= channels;
                }
                double ss = 0;
                for (int c = 0; c < channels; c++) {
                    double d = x[base + c * length + t] - mu;
                    ss += d * d;
                }
                double r = 1.0 / Math.sqrt(ss / channels + eps);
                saved[mo + t] = (float) mu;
                saved[ro + t] = (float) r;
                for (int c = 0; c < channels; c++) {
                    int i = base + c * length + t;
                    double sh = bias == null ? 0 : bias[c];
                    y[i] = (float) ((x[i] - mu) * r * weight[c] + sh);
                }
            }
        }
    }

    private static void featureBackward(boolean rms, int batch, int channels, int length, float[] x, float[] dy,
                                        float[] dx, float[] weight, float[] dWeight, float[] dBias, float[] saved,
                                        float[] scratch) {
        int stats = batch * length;
        float invC = 1f / channels;
        // scratch[0..T): mean_c(g xhat); scratch[T..2T): mean_c(g) (layer-feature only).
        int s2 = 0;
        int s1 = length;
        for (int b = 0; b < batch; b++) {
            int base = b * channels * length;
            int mo = b * length;
            int ro = stats + b * length;
            Arrays.fill(scratch, s2, s2 + length, 0f);
            if (!rms) {
                Arrays.fill(scratch, s1, s1 + length, 0f);
            }
            for (int c = 0; c < channels; c++) {
                int o = base + c * length;
                float w = weight[c];
                double dw = 0;
                double db = 0;
                for (int t = 0; t < length; t++) {
                    float xh = (x[o + t] - saved[mo + t]) * saved[ro + t];
                    float d = dy[o + t];
                    scratch[s2 + t] += d * w * xh;
                    dw += d * xh;
                    db += d;
                }
                if (!rms) {
                    for (int t = 0; t < length; t++) {
                        scratch[s1 + t] += dy[o + t] * w;
                    }
                }
                if (dWeight != null) {
                    dWeight[c] += (float) dw;
                }
                if (dBias != null) {
                    dBias[c] += (float) db;
                }
            }
            for (int t = 0; t < length; t++) {
                scratch[s2 + t] *= invC;
            }
            if (!rms) {
                for (int t = 0; t < length; t++) {
                    scratch[s1 + t] *= invC;
                }
            }
            for (int c = 0; c < channels; c++) {
                int o = base + c * length;
                float w = weight[c];
                if (rms) {
                    for (int t = 0; t < length; t++) {
                        float r = saved[ro + t];
                        float xh = x[o + t] * r;
                        dx[o + t] = r * (dy[o + t] * w - xh * scratch[s2 + t]);
                    }
                } else {
                    for (int t = 0; t < length; t++) {
                        float r = saved[ro + t];
                        float xh = (x[o + t] - saved[mo + t]) * r;
                        dx[o + t] = r * (dy[o + t] * w - scratch[s1 + t] - xh * scratch[s2 + t]);
                    }
                }
            }
        }
    }

    // ---- layer: over the time steps of each (b, c), parameters indexed by time ----

    private static void layerForward(int batch, int channels, int length, float[] x, float[] y, float[] weight,
                                     float[] bias, float[] saved) {
        int rows = batch * channels;
        for (int row = 0; row < rows; row++) {
            int o = row * length;
            double mean = sum(VECTOR, x, o, length) / length;
            double ss = squaredDeviations(VECTOR, x, o, length, mean);
            float r = (float) (1.0 / Math.sqrt(ss / length + EPS));
            saved[row] = (float) mean;
            saved[rows + row] = r;
            for (int t = 0; t < length; t++) {
                y[o + t] = (float) ((x[o + t] - mean) * r * weight[t] + bias[t]);
            }
        }
    }

    private static void layerBackward(int batch, int channels, int length, float[] x, float[] dy, float[] dx,
                                      float[] weight, float[] dWeight, float[] dBias, float[] saved) {
        int rows = batch * channels;
        for (int row = 0; row < rows; row++) {
            int o = row * length;
            float mean = saved[row];
            float r = saved[rows + row];
            double s1 = 0;
            double s2 = 0;
            for (int t = 0; t < length; t++) {
                float g = dy[o + t] * weight[t];
                s1 += g;
                s2 += g * ((x[o + t] - mean) * r);
            }
            if (dWeight != null) {
                for (int t = 0; t < length; t++) {
                    dWeight[t] += dy[o + t] * ((x[o + t] - mean) * r);
                }
            }
            if (dBias != null) {
                for (int t = 0; t < length; t++) {
                    dBias[t] += dy[o + t];
                }
            }
            float m1 = (float) (s1 / length);
            float m2 = (float) (s2 / length);
            for (int t = 0; t < length; t++) {
                float xh = (x[o + t] - mean) * r;
                dx[o + t] = r * (dy[o + t] * weight[t] - m1 - xh * m2);
            }
        }
    }

    // ---- group and instance: over C/G consecutive channels of one batch element and all time steps ----

    private static void groupForward(int batch, int channels, int groups, int length, float[] x, float[] y,
                                     float[] weight, float[] bias, float[] saved) {
        int per = channels / groups;
        int size = per * length;
        int stats = batch * groups;
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                int o = (b * channels + g * per) * length; // the group's channels are contiguous
                double mean = sum(VECTOR, x, o, size) / size;
                double ss = squaredDeviations(VECTOR, x, o, size, mean);
                float r = (float) (1.0 / Math.sqrt(ss / size + EPS));
                int s = b * groups + g;
                saved[s] = (float) mean;
                saved[stats + s] = r;
                for (int k = 0; k < per; k++) {
                    int c = g * per + k;
                    affine(VECTOR, x, y, o + k * length, length, mean, (double) r * weight[c], bias[c]);
                }
            }
        }
    }

    private static void groupBackward(int batch, int channels, int groups, int length, float[] x, float[] dy,
                                      float[] dx, float[] weight, float[] dWeight, float[] dBias, float[] saved) {
        int per = channels / groups;
        int size = per * length;
        int stats = batch * groups;
        for (int b = 0; b < batch; b++) {
            for (int g = 0; g < groups; g++) {
                int o = (b * channels + g * per) * length;
                int s = b * groups + g;
                float mean = saved[s];
                float r = saved[stats + s];
                double s1 = 0;
                double s2 = 0;
                for (int k = 0; k < per; k++) {
                    int c = g * per + k;
                    int co = o + k * length;
                    double dw = xhatDot(VECTOR, dy, x, co, length, mean, r);
                    double db = sum(VECTOR, dy, co, length);
                    s1 += weight[c] * db;
                    s2 += weight[c] * dw;
                    if (dWeight != null) {
                        dWeight[c] += (float) dw;
                    }
                    if (dBias != null) {
                        dBias[c] += (float) db;
                    }
                }
                float m1 = (float) (s1 / size);
                float m2 = (float) (s2 / size);
                for (int k = 0; k < per; k++) {
                    int c = g * per + k;
                    float w = weight[c];
                    int co = o + k * length;
                    for (int t = 0; t < length; t++) {
                        float xh = (x[co + t] - mean) * r;
                        dx[co + t] = r * (dy[co + t] * w - m1 - xh * m2);
                    }
                }
            }
        }
    }

    // ---- row loops: the vector path ({@link NormVector}) takes whole vectors, the scalar loop the rest ----

    /** The start of the scalar tail of a row of {@code n}: past the whole vectors on the vector path, else 0. */
    private static int wholeVectors(boolean vector, int n) {
        return vector ? n - n % NormVector.lanes() : 0;
    }

    /** {@code y = (float) ((x - mean) * scale + shift)} on {@code [off, off+n)}, in double; both paths give the same bits. */
    static void affine(boolean vector, float[] x, float[] y, int off, int n, double mean, double scale, double shift) {
        int whole = wholeVectors(vector, n);
        if (whole > 0) {
            NormVector.affine(x, y, off, whole, mean, scale, shift);
        }
        for (int i = off + whole; i < off + n; i++) {
            y[i] = (float) ((x[i] - mean) * scale + shift);
        }
    }

    /** {@code sum a[off..off+n)} in double. */
    static double sum(boolean vector, float[] a, int off, int n) {
        int whole = wholeVectors(vector, n);
        double vectorPart = whole > 0 ? NormVector.sum(a, off, whole) : 0;
        return vectorPart + sum(a, off + whole, n - whole);
    }

    /** {@code sum (a[i] - mean)^2} over {@code a[off..off+n)} in double. */
    static double squaredDeviations(boolean vector, float[] a, int off, int n, double mean) {
        int whole = wholeVectors(vector, n);
        double vectorPart = whole > 0 ? NormVector.squaredDeviations(a, off, whole, mean) : 0;
        return vectorPart + squaredDeviations(a, off + whole, n - whole, mean);
    }

    /** {@code sum g[i] * ((x[i] - mean) * r)} over {@code [off, off+n)}: float products (as everywhere in the backwards) summed in double. */
    static double xhatDot(boolean vector, float[] g, float[] x, int off, int n, float mean, float r) {
        int whole = wholeVectors(vector, n);
        double vectorPart = whole > 0 ? NormVector.xhatDot(g, x, off, whole, mean, r) : 0;
        return vectorPart + xhatDot(g, x, off + whole, n - whole, mean, r);
    }

    /** {@code sum a[off..off+n)} in double, four independent chains (a single one is latency-bound). */
    private static double sum(float[] a, int off, int n) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            s0 += a[off + i];
            s1 += a[off + i + 1];
            s2 += a[off + i + 2];
            s3 += a[off + i + 3];
        }
        for (; i < n; i++) {
            s0 += a[off + i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code sum (a[i] - mean)^2} over {@code a[off..off+n)} in double, four independent chains. */
    private static double squaredDeviations(float[] a, int off, int n, double mean) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = 0;
        for (; i + 3 < n; i += 4) {
            double d0 = a[off + i] - mean;
            double d1 = a[off + i + 1] - mean;
            double d2 = a[off + i + 2] - mean;
            double d3 = a[off + i + 3] - mean;
            s0 += d0 * d0;
            s1 += d1 * d1;
            s2 += d2 * d2;
            s3 += d3 * d3;
        }
        for (; i < n; i++) {
            double d = a[off + i] - mean;
            s0 += d * d;
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** {@code sum g[i] * ((x[i] - mean) * r)} over {@code [off, off+n)} in double, four independent chains. */
    private static double xhatDot(float[] g, float[] x, int off, int n, float mean, float r) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int i = off;
        int end = off + n;
        for (; i + 3 < end; i += 4) {
            s0 += g[i] * ((x[i] - mean) * r);
            s1 += g[i + 1] * ((x[i + 1] - mean) * r);
            s2 += g[i + 2] * ((x[i + 2] - mean) * r);
            s3 += g[i + 3] * ((x[i + 3] - mean) * r);
        }
        for (; i < end; i++) {
            s0 += g[i] * ((x[i] - mean) * r);
        }
        return (s0 + s1) + (s2 + s3);
    }
}
