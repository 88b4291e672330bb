package dev.ssmc.gentests.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random {@code .ssm} networks, written as source text from random choices, so that every network
 * under test also goes through the language's front end. The generator follows the language's
 * rules (channels flow, residual blocks and U-Net levels keep channels and rate, glu needs an even
 * width, group a width divisible by 4) and any source it writes must compile: a rejected one fails
 * the test that asked for it, with the diagnostics.
 *
 * <p>Shapes: one bare layer (keys without prefix), classifier stages with a head, chains (layers,
 * resampling, standalone activations, residual blocks, repetitions), and encoder/decoders with a
 * bottleneck and an output block; a head pools by the mean or keeps every frame, and a layer may
 * say how its dt starts. Widths, states, ratios and lengths stay small so that the oracle
 * and finite differences stay fast.
 */
public final class RandomSources {
    static final String[] MODES = {"dws", "s5", "neck", "full"};
    static final String[] CAUSAL_NORMS = {"none", "batch", "layer-feature", "rms"};
    /**
     * Norms with statistics over time: full-sequence properties only (their streaming differs by
     * design). {@code layer} is left to the fixtures: it ties the input length to a channel count.
     */
    static final String[] TIME_NORMS = {"group", "instance"};
    /** Every postact but glu, which halves the channels and is placed where widths allow. */
    static final String[] PLAIN_ACTS = {"identity", "relu", "relu6", "lelu", "sigmoid", "tanh", "gelu", "silu"};
    private static final int MAX_WIDTH = 6;
    private static final int MAX_DEN = 8;
    private static final int MAX_RATE = 4;

    private RandomSources() {
    }

    /** A network named {@code name}; {@code causal} keeps to norms whose streaming is exact. Without plans (see {@link #withPlans}). */
    public static String network(String name, Random rnd, boolean causal) {
        return new Gen(rnd, causal).network(name);
    }

    /**
     * {@code source} with training and streaming plans of random sizes (so the planner picks
     * different algorithms: scans for short sequences, FFTs or chunks for long ones), valid for a
     * network whose lengths must be multiples of {@code multiple}; at file level or inside the network.
     */
    public static String withPlans(String source, int multiple, Random rnd) {
        int batch = new int[] {1, 2, 4, 8, 16, 32}[rnd.nextInt(6)];
        int target = new int[] {16, 64, 256, 1024, 4096, 16000}[rnd.nextInt(6)];
        int length = multiple * Math.max(1, target / multiple);
        int chunk = rnd.nextBoolean() ? 1 : multiple * (1 + rnd.nextInt(4));
        String plans = "plan training { batch " + batch + "; length " + length + " }\nplan streaming { chunk " + chunk + " }\n";
        if (rnd.nextBoolean()) {
            return source + "\n" + plans;
        }
        // inside the network, after its declarations (nothing may follow a head)
        int at = source.indexOf("\n\n") + 1;
        return source.substring(0, at) + "  " + plans.strip().replace("\n", "\n  ") + "\n" + source.substring(at);
    }

    private static final class Gen {
        private final Random rnd;
        private final boolean causal;
        private final StringBuilder out = new StringBuilder();
        private int width;
        /** The sample rate relative to the input, num/den. */
        private long num = 1;
        private long den = 1;
        /** Whether the input states a sample rate (which {@code dt band} needs). */
        private boolean rated;
        private String defaultNorm;
        private String defaultAct;
        private int indent = 1;

        Gen(Random rnd, boolean causal) {
            this.rnd = rnd;
            this.causal = causal;
        }

        String network(String name) {
            width = 1 + rnd.nextInt(4);
            out.append("network ").append(name).append(" {\n");
            rated = rnd.nextBoolean();
            line("input x: " + width + (width == 1 ? " channel" : " channels") + (rated ? " @ 16 kHz" : ""));
            defaultNorm = "none";
            defaultAct = "relu";
            if (rnd.nextInt(4) != 0) {
                defaultNorm = rnd.nextInt(5) == 0 && !causal ? "instance" : pick(CAUSAL_NORMS);
                line("norm " + defaultNorm);
            }
            if (rnd.nextInt(4) != 0) {
                defaultAct = pick(PLAIN_ACTS);
                line("act " + defaultAct);
            }
            if (rnd.nextInt(6) == 0) {
                line("dropout 0.1");
            }
            out.append('\n');
            boolean head;
            switch (rnd.nextInt(7)) {
                case 0 -> {
                    line(layer(false, false));
                    head = false;
                }
                case 1, 2 -> {
                    stages();
                    head = rnd.nextInt(4) != 0;
                }
                case 3, 4 -> {
                    chains();
                    head = rnd.nextInt(3) == 0;
                }
                default -> {
                    unet();
                    head = rnd.nextInt(4) == 0;
                }
            }
            if (head) {
                head();
            }
            out.append("}\n");
            return out.toString();
        }

        // ---- activations ----

        private String norm() {
            return norm(true);
        }

        private String norm(boolean allowGroup) {
            if (!causal && rnd.nextInt(3) == 0) {
                return allowGroup ? pick(TIME_NORMS) : "instance";
            }
            return pick(CAUSAL_NORMS);
        }

        /** Whether an activation with this norm and postact can apply to {@code w} channels. */
        private static boolean fits(String norm, String act, int w) {
            return (!act.equals("glu") || w % 2 == 0) && (!norm.equals("group") || w % 4 == 0);
        }

        // ---- layers ----

        /**
         * An SSM layer from the current width. In a residual stage it keeps the width and has its
         * activations off (its dws input activation then defaults to batch norm, as the reference's).
         */
        private String layer(boolean residualStage, boolean plainAct) {
            String mode = pick(MODES);
            int cin = width;
            List<String> opts = new ArrayList<>();
            // now and then enough states that long training plans take FFTs rather than scans
            opts.add("states " + (rnd.nextInt(6) == 0 ? 8 : 1 + rnd.nextInt(3)));
            if ((mode.equals("s5") || mode.equals("neck")) && rnd.nextBoolean()) {
                opts.add("blocks " + (1 + rnd.nextInt(2)));
            }
            boolean acts = !residualStage && rnd.nextInt(5) != 0;
            String norm = residualStage ? "batch" : defaultNorm;
            String act = defaultAct;
            if (rnd.nextInt(3) == 0) {
                // a stage's pooling conv is followed by its layer's activation, on widths not checked here
                norm = norm(!plainAct);
                opts.add("norm " + norm);
            }
            if (rnd.nextInt(3) == 0) {
                act = !plainAct && rnd.nextInt(3) == 0 ? "glu" : pick(PLAIN_ACTS);
                opts.add("act " + act);
            }
            if (rnd.nextInt(6) == 0) {
                opts.add("dropout 0.2");
            }
            if (!acts && !residualStage) {
                opts.add("activations off");
            }
            if (rnd.nextInt(4) == 0) {
                // how dt starts: read by init only, so the generated init code of each form is compiled
                String[] dts = {"dt 1e-3..1e-1", "dt 0.01..0.5", "dt 0.05", rated ? "dt band" : "dt 2e-3..0.2"};
                opts.add(pick(dts));
            }
            if (mode.equals("dws") && !fits(norm, act, cin)) {
                // the dws input activation always applies, to the layer's input: drop the misfit choice
                opts.removeIf(o -> o.startsWith("norm ") || o.startsWith("act "));
                norm = residualStage ? "batch" : defaultNorm;
                act = defaultAct;
            }
            int cout = residualStage ? cin : rnd.nextInt(3) == 0 ? cin : 1 + rnd.nextInt(MAX_WIDTH);
            if (acts && !fits(norm, act, cout)) {
                cout = norm.equals("group") ? 4 : 2 * (1 + rnd.nextInt(MAX_WIDTH / 2));
            }
            java.util.Collections.shuffle(opts.subList(1, opts.size()), rnd);
            String text = mode + "(" + String.join(", ", opts) + ")" + (cout != cin || rnd.nextInt(4) == 0 ? " to " + cout : "");
            width = acts && act.equals("glu") ? cout / 2 : cout;
            return text;
        }

        /** A layer that ends at {@code w} channels whatever the width before (default activation, never glu). */
        private String layerTo(int w) {
            String mode = pick(MODES);
            width = w;
            return mode + "(states " + (1 + rnd.nextInt(2)) + ") to " + w;
        }

        // ---- resampling ----

        /** A random resampling step from the current width and rate, within the size limits. */
        private String resample() {
            int before = width;
            for (int attempt = 0; attempt < 20; attempt++) {
                width = before;
                int r = 1 + rnd.nextInt(3);
                boolean down = rnd.nextInt(3) != 0;
                long n = down ? num : num * r;
                long d = down ? den * r : den;
                long g = gcd(n, d);
                n /= g;
                d /= g;
                if (d > MAX_DEN || n > MAX_RATE * d) {
                    continue;
                }
                String step = down ? downStep(r) : upStep(r);
                if (step != null) {
                    num = n;
                    den = d;
                    return step;
                }
            }
            width = before;
            return "downsample average 1";
        }

        private String downStep(int r) {
            switch (rnd.nextInt(6)) {
                case 0, 1 -> {
                    return convStep("downsample", r);
                }
                case 2 -> {
                    return "downsample depthwise " + r;
                }
                case 3 -> {
                    return "downsample average " + r;
                }
                case 4 -> {
                    return "downsample subsample " + r;
                }
                default -> {
                    if (width * r > MAX_WIDTH + 2) {
                        return null;
                    }
                    width *= r;
                    return "downsample reshape " + r;
                }
            }
        }

        /** {@code downsample conv} or {@code upsample conv} ({@code direction}) by {@code r}, to a random width or not, with bias or not. */
        private String convStep(String direction, int r) {
            int c = 1 + rnd.nextInt(MAX_WIDTH);
            boolean bias = rnd.nextBoolean();
            String to = c != width || rnd.nextBoolean() ? " to " + c : "";
            width = to.isEmpty() ? width : c;
            return direction + " conv " + r + to + (bias ? " with bias" : "");
        }

        private String upStep(int r) {
            switch (rnd.nextInt(3)) {
                case 0 -> {
                    return convStep("upsample", r);
                }
                case 1 -> {
                    return "upsample repeat " + r;
                }
                default -> {
                    if (width % r != 0) {
                        return null;
                    }
                    width /= r;
                    return "upsample reshape " + r;
                }
            }
        }

        // ---- standalone activations and residual blocks ----

        private String activation() {
            if (rnd.nextInt(3) == 0) {
                return "activation";
            }
            List<String> opts = new ArrayList<>();
            String norm = norm();
            String act = rnd.nextInt(4) == 0 ? "glu" : pick(PLAIN_ACTS);
            if (!fits(norm, act, width)) {
                norm = "rms";
                act = "tanh";
            }
            opts.add("norm " + norm);
            opts.add("act " + act);
            if (rnd.nextInt(4) == 0) {
                opts.add("dropout 0.3");
            }
            java.util.Collections.shuffle(opts, rnd);
            if (act.equals("glu")) {
                width /= 2;
            }
            return "activation(" + String.join(", ", opts) + ")";
        }

        /**
         * {@code residual(...) { body }} or, one time in two, {@code mask(...) { body }}: the body
         * returns to the block's width and rate.
         */
        private void residualBlock(String lead) {
            int w = width;
            boolean mask = rnd.nextBoolean();
            String opts = "";
            if (rnd.nextBoolean()) {
                String norm = norm();
                if (!fits(norm, "relu", w)) {
                    norm = "layer-feature";
                }
                opts = mask ? "(norm " + norm + ")" : "(norm " + norm + ", act " + pick(PLAIN_ACTS) + ")";
            }
            line(lead + (mask ? "mask" : "residual") + opts + " {");
            indent++;
            int lines = 1 + rnd.nextInt(2);
            for (int i = 0; i < lines; i++) {
                List<String> items = new ArrayList<>();
                items.add(layer(false, false));
                if (rnd.nextInt(3) == 0 && num == den) {
                    int r = 2;
                    items.add("downsample average " + r);
                    items.add(layer(false, false));
                    items.add(rnd.nextBoolean() ? "upsample repeat " + r : "upsample conv " + r + " to " + width);
                }
                if (rnd.nextInt(3) == 0) {
                    items.add(activation());
                }
                if (i == lines - 1 && width != w) {
                    items.add(layerTo(w));
                }
                line(String.join(" -> ", items));
            }
            indent--;
            line("}");
            width = w;
        }

        // ---- network shapes ----

        private void stages() {
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                boolean residual = rnd.nextInt(3) == 0;
                StringBuilder s = new StringBuilder("stage ");
                if (residual) {
                    s.append("residual");
                    if (rnd.nextBoolean()) {
                        s.append("(norm ").append(pick(CAUSAL_NORMS)).append(", act ").append(pick(PLAIN_ACTS)).append(")");
                    }
                    s.append(' ');
                }
                s.append(layer(residual, true));
                if (rnd.nextInt(3) != 0) {
                    s.append(" -> ").append(resample());
                }
                line(s.toString());
            }
        }

        private void chains() {
            if (rnd.nextInt(4) == 0) {
                int w = 1 + rnd.nextInt(MAX_WIDTH);
                line("let wide = " + w);
                line(pick(MODES) + "(states 2) to wide");
                width = w;
            }
            int n = 1 + rnd.nextInt(3);
            for (int i = 0; i < n; i++) {
                switch (rnd.nextInt(6)) {
                    case 0 -> residualBlock("");
                    case 1 -> {
                        int w = width;
                        line("repeat k in " + (rnd.nextBoolean() ? "[1, 2]" : "2..1") + " {");
                        indent++;
                        line(pick(new String[] {"s5", "neck"}) + "(states k, blocks k) to " + w);
                        indent--;
                        line("}");
                        width = w;
                    }
                    default -> {
                        int items = 1 + rnd.nextInt(3);
                        List<String> chain = new ArrayList<>();
                        for (int k = 0; k < items; k++) {
                            int pick = rnd.nextInt(6);
                            chain.add(pick < 3 ? layer(false, false) : pick < 5 ? resample() : activation());
                        }
                        line(String.join(" -> ", chain));
                    }
                }
            }
        }

        /**
         * An encoder/decoder of one or two levels, with an optional bottleneck and output block. A
         * level that keeps the rate has no upsampling in the decoder, so the signal must reach it at
         * the skip's width: the last line inside the level then ends with a layer to that width.
         */
        private void unet() {
            int depth = 1 + rnd.nextInt(2);
            int[] skipWidth = new int[depth];
            int[] ratio = new int[depth];
            List<StringBuilder> encoder = new ArrayList<>();
            List<StringBuilder> bottleneck = new ArrayList<>();
            List<StringBuilder> decoder = new ArrayList<>();
            StringBuilder lastInside = null;
            for (int i = 0; i < depth; i++) {
                skipWidth[i] = width;
                List<String> items = new ArrayList<>();
                items.add(layer(false, false));
                ratio[i] = rnd.nextInt(4) == 0 ? 1 : 2;
                // a mark at the end of a level that keeps the rate would leave nothing inside its skip
                if (ratio[i] > 1 && rnd.nextInt(3) == 0) {
                    items.add("skip");
                    skipWidth[i] = width;
                }
                if (ratio[i] > 1) {
                    String[] kinds = {"conv", "conv", "average", "subsample", "depthwise", "reshape"};
                    String kind = kinds[rnd.nextInt(kinds.length)];
                    if (kind.equals("conv")) {
                        width = 1 + rnd.nextInt(MAX_WIDTH);
                        items.add("downsample conv 2 to " + width + (rnd.nextBoolean() ? " with bias" : ""));
                    } else {
                        if (kind.equals("reshape")) {
                            width *= 2;
                        }
                        items.add("downsample " + kind + " 2");
                    }
                    den *= 2;
                }
                encoder.add(new StringBuilder(String.join(" -> ", items)));
                lastInside = encoder.get(encoder.size() - 1);
            }
            if (rnd.nextBoolean()) {
                int n = 1 + rnd.nextInt(2);
                for (int k = 0; k < n; k++) {
                    bottleneck.add(new StringBuilder(layer(false, false)));
                }
                lastInside = bottleneck.get(bottleneck.size() - 1);
            }
            for (int i = depth - 1; i >= 0; i--) {
                List<String> items = new ArrayList<>();
                int s = skipWidth[i];
                if (ratio[i] > 1) {
                    if (width == s && rnd.nextBoolean()) {
                        items.add("upsample repeat 2");
                    } else if (width == 2 * s && rnd.nextBoolean()) {
                        items.add("upsample reshape 2");
                    } else {
                        // without `to`, an upsampling conv gives the skip's width
                        items.add("upsample conv 2" + (rnd.nextBoolean() ? " to " + s : "")
                                + (rnd.nextBoolean() ? " with bias" : ""));
                    }
                    den /= 2;
                } else if (width != s) {
                    if (rnd.nextBoolean()) {
                        lastInside.append(" -> ").append(layerTo(s));
                    } else {
                        items.add("upsample conv 1 to " + s);
                    }
                }
                width = s;
                if (!items.isEmpty() && rnd.nextInt(3) == 0) {
                    items.add("skip");
                }
                items.add(layer(false, false));
                decoder.add(new StringBuilder(String.join(" -> ", items)));
                lastInside = decoder.get(decoder.size() - 1);
            }
            block("encoder", encoder);
            if (!bottleneck.isEmpty()) {
                block("bottleneck", bottleneck);
            }
            block("decoder", decoder);
            if (rnd.nextBoolean()) {
                block("output", List.of(new StringBuilder(layer(false, false))));
            }
        }

        private void block(String name, List<StringBuilder> lines) {
            line(name + " {");
            indent++;
            lines.forEach(l -> line(l.toString()));
            indent--;
            line("}");
        }

        /** A classifier's head (the mean over time) or a frame head (per-frame outputs). */
        private void head() {
            StringBuilder h = new StringBuilder(rnd.nextBoolean() ? "head mean" : "head frames");
            int layers = 1 + rnd.nextInt(2);
            for (int i = 0; i < layers; i++) {
                int k = 1 + rnd.nextInt(MAX_WIDTH);
                String act = rnd.nextInt(4) == 0 ? "glu" : pick(PLAIN_ACTS);
                if (act.equals("glu") && k % 2 != 0) {
                    k++;
                }
                h.append(" -> linear ").append(k);
                if (rnd.nextBoolean()) {
                    h.append(" -> ").append(act);
                }
            }
            line(h.toString());
        }

        private void line(String text) {
            out.append("  ".repeat(indent)).append(text).append('\n');
        }

        private String pick(String[] options) {
            return options[rnd.nextInt(options.length)];
        }

        private static long gcd(long a, long b) {
            while (b != 0) {
                long t = a % b;
                a = b;
                b = t;
            }
            return a;
        }
    }
}
