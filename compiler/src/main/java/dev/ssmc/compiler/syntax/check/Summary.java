package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.FrameHead;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.ParamSpec;
import dev.ssmc.compiler.ir.Rational;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.ResampleMode;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import java.util.List;
import java.util.Locale;

/**
 * The one-line description {@code ssmc check} prints for a network that checks clean.
 *
 * <p>The receptive field: an SSM layer is an IIR filter (every state decays exponentially but
 * never reaches zero), so a network with SSM layers has an unbounded receptive field and no
 * honest finite number can be given without its trained weights. What the structure alone does
 * fix is the span of input samples that the resampling steps gather into one output sample
 * (a kernel-r, stride-r conv, average or reshape spans r samples of its input; subsampling and
 * every upsampling take one); that span is reported, in samples and in ms when the rate is known.
 */
public final class Summary {
    private Summary() {
    }

    /** The counts and numbers of the summary line. */
    public record Facts(int ssmLayers, int resamplings, int linears, long parameters, Rational outputRatio,
                        Rational deepestRatio, long resamplingSpan) {
    }

    public static Facts facts(Network network, NetworkShapes shapes) {
        int ssm = 0;
        int res = 0;
        int linears = network.head().map(h -> h.layers().size()).orElse(0);
        for (Node n : shapes.nodes()) {
            if (n instanceof SsmLayer) {
                ssm++;
            } else if (n instanceof Resample) {
                // a frame head's linear layer is a pointwise conv in the IR, but a linear layer to the reader
                if (FrameHead.holds(n)) {
                    linears++;
                } else {
                    res++;
                }
            }
        }
        long params = 0;
        for (ParamSpec p : network.parameters()) {
            if (p.role().trainable()) {
                params += p.elements();
            }
        }
        Rational deepest = Rational.ONE;
        for (Node n : shapes.nodes()) {
            Rational in = shapes.rateIn().get(n);
            Rational out = in.times(n.timeRatio());
            deepest = smaller(smaller(deepest, in), out);
        }
        double[] span = {1, 1}; // samples spanned, input samples per step at the current rate
        walk(network.body(), span);
        return new Facts(ssm, res, linears, params, shapes.outputRate(), deepest, Math.round(span[0]));
    }

    private static Rational smaller(Rational a, Rational b) {
        return a.num() * b.den() <= b.num() * a.den() ? a : b;
    }

    private static void walk(List<Node> nodes, double[] span) {
        for (Node n : nodes) {
            if (n instanceof Residual r) {
                double[] inner = {span[0], span[1]};
                walk(r.body(), inner);
                span[0] = Math.max(span[0], inner[0]);
            } else if (n instanceof Resample r) {
                ResampleMode m = r.mode();
                if (m.direction() == ResampleMode.Direction.DOWN) {
                    if (m != ResampleMode.SUBSAMPLING) {
                        span[0] += (r.ratio() - 1) * span[1];
                    }
                    span[1] *= r.ratio();
                } else {
                    span[1] /= r.ratio();
                }
            }
        }
    }

    /**
     * {@code file: Name: 10 layers (4 SSM, 4 resampling, 2 linear), 5,956 parameters, ...}, ending
     * with what it gives ({@link #output}).
     */
    public static String line(String file, Network network, NetworkShapes shapes) {
        Facts f = facts(network, shapes);
        int layers = f.ssmLayers() + f.resamplings() + f.linears();
        StringBuilder b = new StringBuilder();
        b.append(file).append(": ").append(network.name()).append(": ");
        b.append(layers).append(layers == 1 ? " layer" : " layers").append(" (").append(f.ssmLayers()).append(" SSM, ")
                .append(f.resamplings()).append(" resampling, ").append(f.linears()).append(" linear), ");
        b.append(String.format(Locale.ROOT, "%,d", f.parameters())).append(" parameters, ");
        b.append("time ratio ").append(f.outputRatio());
        if (!f.deepestRatio().equals(f.outputRatio())) {
            b.append(" (").append(f.deepestRatio()).append(" at the deepest)");
        }
        b.append(", receptive field ");
        String span = String.format(Locale.ROOT, "%,d", f.resamplingSpan()) + (f.resamplingSpan() == 1 ? " sample" : " samples");
        if (network.sampleRate() > 0) {
            double ms = f.resamplingSpan() * 1000.0 / network.sampleRate();
            span += String.format(Locale.ROOT, ms < 1 ? " = %.3f ms @ %s" : " = %.1f ms @ %s", ms, rate(network.sampleRate()));
        }
        if (f.ssmLayers() > 0) {
            b.append("unbounded (IIR SSM layers; the resampling alone spans ").append(span).append(")");
        } else {
            b.append(span);
        }
        return b.append(", ").append(output(network, shapes)).toString();
    }

    /**
     * What the network gives and how often: {@code output 12 classes per input (head mean of 32
     * channels at 125 frames/s)}, {@code output 17 channels at 100 frames/s (head frames on 64
     * channels)}, {@code output 1 channel at 16,000 frames/s, the input's rate}.
     */
    static String output(Network network, NetworkShapes shapes) {
        String frames = frameRate(network.sampleRate(), shapes.outputRate());
        if (network.head().isPresent()) {
            return "output " + count(shapes.classes(), "class", "classes") + " per input (head mean of "
                    + count(shapes.featureChannels(), "channel", "channels") + " " + frames + ")";
        }
        String out = "output " + count(shapes.featureChannels(), "channel", "channels") + " " + frames;
        List<Node> head = FrameHead.of(network.body());
        return head.isEmpty() ? out : out + " (head frames on " + count(head.get(0).inChannels(), "channel", "channels") + ")";
    }

    /** {@code at 125 frames/s}; without a sample rate {@code at 1 frame per 128 input samples}. */
    static String frameRate(int sampleRate, Rational rate) {
        if (sampleRate > 0) {
            double perSecond = (double) sampleRate * rate.num() / rate.den();
            // 62.5, 344.53: two decimals at most, and none that are zeros
            String n = String.format(Locale.ROOT, "%,.2f", perSecond).replaceFirst("\\.?0+$", "");
            return "at " + n + " frames/s" + (rate.isOne() ? ", the input's rate" : "");
        }
        if (rate.isOne()) {
            return "at the input's rate";
        }
        return "at " + count(rate.num(), "frame", "frames") + " per " + (rate.den() == 1 ? "input sample"
                : String.format(Locale.ROOT, "%,d", rate.den()) + " input samples");
    }

    private static String count(long n, String one, String many) {
        return String.format(Locale.ROOT, "%,d", n) + " " + (n == 1 ? one : many);
    }

    static String rate(int hz) {
        if (hz % 1000 == 0) {
            return hz / 1000 + " kHz";
        }
        if (hz > 1000 && hz % 100 == 0) {
            return String.format(Locale.ROOT, "%.1f kHz", hz / 1000.0);
        }
        return hz + " Hz";
    }
}
