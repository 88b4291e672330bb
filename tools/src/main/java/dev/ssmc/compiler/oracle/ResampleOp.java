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
    private final String key;
    private final ResampleMode mode;
    private final int r;
    private final int cin;
    private final int cout;
    private final double[] weight;
    private final double[] bias;

    ResampleOp(Resample node, Weights w) {
        this.key = node.key();
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
    public double[][][] backward(double[][][] x, double[][][] gy, ParamGradients grads) {
        int batch = x.length;
        int length = Signals.length(x);
        int outLength = Signals.length(gy);
        double[][][] gx = Signals.zeros(batch, cin, length);
        double[] gw = weight == null ? null : grads.of(Keys.join(key, "weight"), weight.length);
        double[] gb = bias == null ? null : grads.of(Keys.join(key, "bias"), bias.length);
        for (int b = 0; b < batch; b++) {
            double[][] xb = x[b];
            double[][] gyb = gy[b];
            double[][] gxb = gx[b];
            switch (mode) {
                case SUBSAMPLING -> {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            gxb[c][t * r + r - 1] = gyb[c][t];
                        }
                    }
                }
                case AVERAGE -> {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            for (int k = 0; k < r; k++) {
                                gxb[c][t * r + k] = gyb[c][t] / r;
                            }
                        }
                    }
                }
                case REPEAT -> {
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            gxb[c][t / r] += gyb[c][t];
                        }
                    }
                }
                case DOWNSAMPLING, DOWNSAMPLING_WITH_BIAS -> {
                    // y[d,t] = bias[d] + sum_{c,k} weight[d,c,k] x[c, t*r+k]
                    for (int d = 0; d < cout; d++) {
                        for (int t = 0; t < outLength; t++) {
                            if (gb != null) {
                                gb[d] += gyb[d][t];
                            }
                            for (int c = 0; c < cin; c++) {
                                for (int k = 0; k < r; k++) {
                                    int i = (d * cin + c) * r + k;
                                    gw[i] += gyb[d][t] * xb[c][t * r + k];
                                    gxb[c][t * r + k] += weight[i] * gyb[d][t];
                                }
                            }
                        }
                    }
                }
                case DOWNSAMPLING_DW -> {
                    // y[c,t] = sum_k weight[c,k] x[c, t*r+k]
                    for (int c = 0; c < cin; c++) {
                        for (int t = 0; t < outLength; t++) {
                            for (int k = 0; k < r; k++) {
                                gw[c * r + k] += gyb[c][t] * xb[c][t * r + k];
                                gxb[c][t * r + k] += weight[c * r + k] * gyb[c][t];
                            }
                        }
                    }
                }
                case UPSAMPLING, UPSAMPLING_WITH_BIAS -> {
                    // y[d, t*r+k] = bias[d] + sum_c x[c,t] weight[c,d,k]
                    for (int d = 0; d < cout; d++) {
                        for (int t = 0; t < length; t++) {
                            for (int k = 0; k < r; k++) {
                                double g = gyb[d][t * r + k];
                                if (gb != null) {
                                    gb[d] += g;
                                }
                                for (int c = 0; c < cin; c++) {
                                    int i = (c * cout + d) * r + k;
                                    gw[i] += xb[c][t] * g;
                                    gxb[c][t] += weight[i] * g;
                                }
                            }
                        }
                    }
                }
                case DOWNSHAPING -> {
                    for (int c = 0; c < cin; c++) {
                        for (int k = 0; k < r; k++) {
                            for (int t = 0; t < outLength; t++) {
                                gxb[c][t * r + k] = gyb[c * r + k][t];
                            }
                        }
                    }
                }
                case UPSHAPING -> {
                    for (int c = 0; c < cout; c++) {
                        for (int k = 0; k < r; k++) {
                            for (int t = 0; t < length; t++) {
                                gxb[c * r + k][t] = gyb[c][t * r + k];
                            }
                        }
                    }
                }
            }
        }
        return gx;
    }

    @Override
    public StreamOp stream(int batch) {
        return OracleOp.blockwise(this, mode.direction() == ResampleMode.Direction.DOWN ? r : 1);
    }
}
