package dev.ssmc.compiler.oracle;

import dev.ssmc.compiler.ir.Keys;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Weights;

/**
 * Temporal resampling, following {@code centaurus-reference.md} section 3. A shortening mode
 * drops a trailing partial window, as a strided convolution does; streaming buffers input until
 * a whole window is there, so any chunk size gives the full-sequence result.
 */
final class ResampleOp implements OracleOp {
    private final ResampleMode mode;
    private final int r;
    private final int cin;
    private final int cout;
    private final double[] weight;
    private final double[] bias;

    ResampleOp(Resample node, Weights w) {
        this.mode = node.mode();
        this.r = node.ratio();
        this.cin = node.inChannels();
        this.cout = node.outChannels();
        this.weight = mode.hasWeight() ? w.doubles(Keys.join(node.key(), "weight")) : null;
        this.bias = mode.hasBias() ? w.doubles(Keys.join(node.key(), "bias")) : null;
    }

    @Override
    public double[][][] full(double[][][] x) {
        int batch = x.length;
        int length = Signals.length(x);
        boolean down = mode.direction() == ResampleMode.Direction.DOWN;
        int outLength = down ? length / r : length * r;
        double[][][] y = Signals.zeros(batch, cout, outLength);
        for (int b = 0; b < batch; b++) {
            double[][] xb = x[b];
            double[][] yb = y[b];
            switch (mode) {
                case SUBSAMPLING -> {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            yb[c][t] = xb[c][t * r + r - 1];
                        }
                    }
                }
                case AVERAGE -> {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            double s = 0;
                            for (int k = 0; k < r; k++) {
                                s += xb[c][t * r + k];
                            }
                            yb[c][t] = s / r;
                        }
                    }
                }
                case REPEAT -> {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            yb[c][t] = xb[c][t / r];
                        }
                    }
                }
                case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS -> {
                    // weight[d, c, k]
                    for (int d = 0; d < cout; d++) {
                        for (int t = 0; t < outLength; t++) {
                            double s = bias == null ? 0 : bias[d];
                            for (int c = 0; c < cin; c++) {
                                for (int k = 0; k < r; k++) {
                                    s += weight[(d * cin + c) * r + k] * xb[c][t * r + k];
                                }
                            }
                            yb[d][t] = s;
                        }
                    }
                }
                case DOWNSAMPLING_DW -> {
                    // weight[c, k]
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            double s = 0;
                            for (int k = 0; k < r; k++) {
                                s += weight[c * r + k] * xb[c][t * r + k];
                            }
                            yb[c][t] = s;
                        }
                    }
                }
                case UPSAMPLING, UPSAMPLING_WITH_BIAS -> {
                    // weight[c, d, k]: y[d, t*r+k] = sum_c x[c,t] w[c,d,k]
                    for (int d = 0; d < cout; d++) {
                        for (int t = 0; t < length; t++) {
                            for (int k = 0; k < r; k++) {
                                double s = bias == null ? 0 : bias[d];
                                for (int c = 0; c < cin; c++) {
                                    s += xb[c][t] * weight[(c * cout + d) * r + k];
                                }
                                yb[d][t * r + k] = s;
                            }
                        }
                    }
                }
                case DOWNSHAPING -> {
                    // (c, t*r + k) -> (c*r + k, t)
                    for (int c = 0; c < cin; c++) {
                        for (int k = 0; k < r; k++) {
                            for (int t = 0; t < outLength; t++) {
                                yb[c * r + k][t] = xb[c][t * r + k];
                            }
                        }
                    }
                }
                case UPSHAPING -> {
                    // (c*r + k, t) -> (c, t*r + k)
                    for (int c = 0; c < cout; c++) {
                        for (int k = 0; k < r; k++) {
                            for (int t = 0; t < length; t++) {
                                yb[c][t * r + k] = xb[c * r + k][t];
                            }
                        }
                    }
                }
            }
        }
        return y;
    }

    @Override
    public StreamOp stream(int batch) {
        return OracleOp.blockwise(this, mode.direction() == ResampleMode.Direction.DOWN ? r : 1);
    }
}
