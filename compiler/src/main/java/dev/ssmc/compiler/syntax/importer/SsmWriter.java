package dev.ssmc.compiler.syntax.importer;

import dev.ssmc.compiler.ir.ActLayer;
import dev.ssmc.compiler.ir.Activation;
import dev.ssmc.compiler.ir.Dense;
import dev.ssmc.compiler.ir.DtInit;
import dev.ssmc.compiler.ir.FrameHead;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Planning;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Resample;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.ir.SsmLayer;
import dev.ssmc.compiler.ir.SsmMode;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Block;
import dev.ssmc.compiler.syntax.Ast.Chain;
import dev.ssmc.compiler.syntax.Ast.Expr;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Ast.Name;
import dev.ssmc.compiler.syntax.Ast.Num;
import dev.ssmc.compiler.syntax.Ast.Option;
import dev.ssmc.compiler.syntax.Ast.Statement;
import dev.ssmc.compiler.syntax.Pos;
import dev.ssmc.compiler.syntax.check.ResampleKinds;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the {@code .ssm} syntax tree of a network in the IR, recognizing the structures the
 * language names from their checkpoint keys: classifier stages ({@code backbone.i}), the head, a
 * U-Net ({@code down_ssms}/{@code hid_ssms}/{@code up_ssms}), its output layers ({@code last_ssms}),
 * a frame head ({@code head.i}) and plain layers. The network's default activation is taken from the network itself; every
 * layer whose activation differs says so in its options, so lowering the tree gives back the
 * same IR.
 */
public final class SsmWriter {
    private static final Pos P = Pos.NONE;
    private static final Pattern STAGE_LAYER = Pattern.compile("backbone\\.(\\d+)\\.0");
    private static final Pattern STAGE_RESIDUAL = Pattern.compile("backbone\\.(\\d+)\\.0\\.residual_connect\\.norm_drop\\.0");
    private static final Set<String> KEYWORDS = Set.of("network", "input", "channel", "channels", "norm", "act",
            "dropout", "let", "stage", "skip", "residual", "mask", "activation", "to", "with", "bias", "downsample", "upsample", "repeat",
            "in", "encoder", "bottleneck", "decoder", "output", "head", "linear", "plan", "Hz", "kHz", "ms", "s", "samples");
    private static final Pattern NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*(-[a-zA-Z][a-zA-Z0-9_]*)*");

    private final Activation base;

    private SsmWriter(Activation base) {
        this.base = base;
    }

    /** The syntax tree of {@code network}: one network declaration and the plans that differ from the defaults. */
    public static Ast.SourceFile write(Network network) {
        SsmWriter w = new SsmWriter(defaultActivation(network));
        List<Statement> stmts = new ArrayList<>();
        stmts.add(new Ast.Input(P, name("audio"), num(network.inChannels()), rate(network.sampleRate())));
        stmts.add(new Ast.DefaultNorm(P, name(w.base.norm().spelling())));
        stmts.add(new Ast.DefaultAct(P, name(w.base.postact().spelling())));
        if (w.base.dropout() != 0) {
            stmts.add(new Ast.DefaultDropout(P, decimal(w.base.dropout())));
        }
        stmts.addAll(w.body(network.body()));
        network.head().ifPresent(h -> stmts.add(head(h.layers())));
        List<Statement> top = new ArrayList<>();
        top.add(new Ast.NetworkDecl(P, name(safeName(network.name())), new Block(P, stmts)));
        Planning plan = network.planning();
        List<Ast.PlanEntry> training = new ArrayList<>();
        if (plan.batch() != Planning.DEFAULT.batch()) {
            training.add(entry("batch", plan.batch()));
        }
        if (plan.length() != Planning.DEFAULT.length()) {
            training.add(entry("length", plan.length()));
        }
        if (!training.isEmpty()) {
            top.add(new Ast.Plan(P, name("training"), training));
        }
        if (plan.chunk() != Planning.DEFAULT.chunk()) {
            top.add(new Ast.Plan(P, name("streaming"), List.of(entry("chunk", plan.chunk()))));
        }
        return new Ast.SourceFile(P, top, List.of());
    }

    /** A sample rate as people write it: {@code 16 kHz}, {@code 44100 Hz}; none for 0. */
    private static Optional<Ast.Quantity> rate(int hz) {
        if (hz <= 0) {
            return Optional.empty();
        }
        return Optional.of(hz % 1000 == 0 ? new Ast.Quantity(P, num(hz / 1000), Optional.of(Ast.Unit.KHZ))
                : new Ast.Quantity(P, num(hz), Optional.of(Ast.Unit.HZ)));
    }

    /** A network name the language accepts: invalid characters become {@code _}, keywords get a {@code _}. */
    public static String safeName(String name) {
        String n = name == null || name.isEmpty() ? "network" : name;
        if (NAME.matcher(n).matches() && !KEYWORDS.contains(n)) {
            return n;
        }
        StringBuilder b = new StringBuilder();
        for (char c : n.toCharArray()) {
            b.append(Character.isLetterOrDigit(c) && c < 128 ? c : '_');
        }
        if (!Character.isLetter(b.charAt(0)) && b.charAt(0) != '_') {
            b.insert(0, 'n');
        }
        String s = b.toString();
        return KEYWORDS.contains(s) ? s + "_" : s;
    }

    /** The activation most of the network uses, which its statements then need not repeat. */
    private static Activation defaultActivation(Network n) {
        for (Node node : n.body()) {
            // a frame head's activations have no norm, whatever the network's default
            if (node instanceof ActLayer a && !FrameHead.holds(a)) {
                return a.act();
            }
        }
        for (Node node : n.body()) {
            if (node instanceof SsmLayer l) {
                return l.act();
            }
            if (node instanceof Residual r && !r.normKey().isEmpty() && r.body().get(0) instanceof SsmLayer inner) {
                return new Activation(r.norm(), r.postact(), inner.act().dropout());
            }
        }
        return new Activation(NormKind.NONE, Postact.RELU, 0);
    }

    // ---- the body ----

    private List<Statement> body(List<Node> nodes) {
        List<Statement> out = new ArrayList<>();
        List<Item> outputItems = new ArrayList<>();
        int i = 0;
        while (i < nodes.size()) {
            Node n = nodes.get(i);
            Matcher layer = n instanceof SsmLayer l ? STAGE_LAYER.matcher(l.key()) : null;
            Matcher res = n instanceof Residual r ? STAGE_RESIDUAL.matcher(r.normKey()) : null;
            if ((layer != null && layer.matches()) || (res != null && res.matches())) {
                String stage = layer != null && layer.matches() ? layer.group(1) : res.group(1);
                i = stage(nodes, i, stage, out);
            } else if (keyOf(n).startsWith("down_ssms.0.")) {
                List<Statement> encoder = new ArrayList<>();
                List<Statement> bottleneck = new ArrayList<>();
                List<Statement> decoder = new ArrayList<>();
                i = level(nodes, i, 0, encoder, bottleneck, decoder);
                out.add(new Ast.EncoderDecoder(P, new Block(P, encoder),
                        bottleneck.isEmpty() ? Optional.empty() : Optional.of(new Block(P, bottleneck)), new Block(P, decoder)));
            } else if (FrameHead.holds(n)) {
                // the frame head ends the body: its items are the nodes keyed head.{i}
                List<Node> head = FrameHead.of(nodes.subList(i, nodes.size()));
                out.add(frameHead(head));
                i += head.size();
            } else if (keyOf(n).startsWith("last_ssms.")) {
                outputItems.add(item(n, base));
                i++;
            } else {
                out.add(new Chain(P, List.of(item(n, base))));
                i++;
            }
        }
        if (!outputItems.isEmpty()) {
            out.add(new Ast.Output(P, new Block(P, outputItems.stream().map(it -> (Statement) new Chain(P, List.of(it))).toList())));
        }
        return out;
    }

    private static String keyOf(Node n) {
        if (n instanceof SsmLayer l) {
            return l.key();
        }
        if (n instanceof Resample r) {
            return r.key();
        }
        if (n instanceof ActLayer a) {
            return a.normKey();
        }
        Residual r = (Residual) n;
        return r.normKey().isEmpty() && !r.body().isEmpty() ? keyOf(r.body().get(0)) : r.normKey();
    }

    private int stage(List<Node> nodes, int i, String index, List<Statement> out) {
        Node n = nodes.get(i);
        boolean residual = n instanceof Residual;
        List<Option> resOpts = new ArrayList<>();
        Ast.Layer layer;
        if (residual) {
            Residual r = (Residual) n;
            if (r.norm() != base.norm()) {
                resOpts.add(option("norm", ref(r.norm().spelling())));
            }
            if (r.postact() != base.postact()) {
                resOpts.add(option("act", ref(r.postact().spelling())));
            }
            layer = layer((SsmLayer) r.body().get(0), base.withNorm(NormKind.BATCH), false);
        } else {
            layer = layer((SsmLayer) n, base, true);
        }
        Activation stageAct = residual
                ? new Activation(((Residual) n).norm(), ((Residual) n).postact(),
                        ((SsmLayer) ((Residual) n).body().get(0)).act().dropout())
                : ((SsmLayer) n).act();
        int next = i + 1;
        Optional<Ast.Resample> pooling = Optional.empty();
        if (next < nodes.size() && nodes.get(next) instanceof Resample r && r.key().equals("backbone." + index + ".1.0")) {
            // lowering follows a learned pooling conv with the stage's activation, and nothing else
            boolean conv = r.mode().spelling().startsWith("downsampling");
            boolean actFollows = next + 1 < nodes.size() && nodes.get(next + 1) instanceof ActLayer a
                    && a.normKey().equals("backbone." + index + ".1.1.0") && a.act().equals(stageAct);
            boolean expected = conv && !stageAct.isIdentityOn(r.outChannels());
            if (actFollows == expected) {
                pooling = Optional.of(resample(r));
                next += actFollows ? 2 : 1;
            }
        }
        out.add(new Ast.Stage(P, residual, resOpts, layer, pooling));
        return next;
    }

    /**
     * Level i of a U-Net starting at {@code nodes[at]}: the encoder items before its skip (if the
     * skip leaves after them), the skip addition around the rest of the encoder level, the inner
     * levels or the bottleneck and the upsampling, then the decoder items. Appends the level's
     * encoder chain, and its decoder chain after the inner levels' (the decoder lists the deepest
     * level first). Returns the index after the level.
     */
    private int level(List<Node> nodes, int at, int i, List<Statement> encoder, List<Statement> bottleneck,
                      List<Statement> decoder) {
        String encPrefix = "down_ssms." + i + ".0.";
        List<Item> enc = new ArrayList<>();
        int j = at;
        while (j < nodes.size() && !(nodes.get(j) instanceof Residual) && keyOf(nodes.get(j)).startsWith(encPrefix)) {
            enc.add(item(nodes.get(j), base));
            j++;
        }
        if (!enc.isEmpty()) {
            enc.add(new Ast.SkipMark(P));
        }
        Residual r = (Residual) nodes.get(j);
        j++;
        List<Node> body = r.body();
        int k = 0;
        while (k < body.size() && !(body.get(k) instanceof Residual) && keyOf(body.get(k)).startsWith(encPrefix)) {
            enc.add(item(body.get(k), base));
            k++;
        }
        // a ratio of 1 has no resampling steps (the reference's identity pooling)
        if (k < body.size() && body.get(k) instanceof Resample rs && rs.key().equals("down_ssms." + i + ".1")) {
            enc.add(resample(rs));
            k++;
        }
        encoder.add(new Chain(P, enc));
        int end = body.size();
        Resample up = body.get(end - 1) instanceof Resample u && u.key().equals("up_ssms." + i + ".0") ? u : null;
        if (up != null) {
            end--;
        }
        List<Node> middle = body.subList(k, end);
        if (!middle.isEmpty() && keyOf(middle.get(0)).startsWith("down_ssms." + (i + 1) + ".")) {
            int after = level(middle, 0, i + 1, encoder, bottleneck, decoder);
            for (Node m : middle.subList(after, middle.size())) {
                bottleneck.add(new Chain(P, List.of(item(m, base))));
            }
        } else {
            for (Node m : middle) {
                bottleneck.add(new Chain(P, List.of(item(m, base))));
            }
        }
        List<Item> dec = new ArrayList<>();
        if (up != null) {
            dec.add(resample(up));
        }
        String decPrefix = "up_ssms." + i + ".1.";
        while (j < nodes.size() && keyOf(nodes.get(j)).startsWith(decPrefix)) {
            dec.add(item(nodes.get(j), base));
            j++;
        }
        if (dec.isEmpty()) {
            dec.add(new Ast.SkipMark(P)); // a decoder level with nothing but the skip addition
        }
        decoder.add(new Chain(P, dec)); // inner levels were added first: the decoder lists the deepest level first
        return j;
    }

    // ---- items ----

    private Item item(Node n, Activation b) {
        if (n instanceof SsmLayer l) {
            return layer(l, b, true);
        }
        if (n instanceof Resample r) {
            return resample(r);
        }
        if (n instanceof ActLayer a) {
            return new Ast.Activation(P, actOptions(a.act(), b));
        }
        Residual r = (Residual) n;
        List<Option> opts = new ArrayList<>();
        if (r.norm() != b.norm()) {
            opts.add(option("norm", ref(r.norm().spelling())));
        }
        if (r.postact() != b.postact()) {
            opts.add(option("act", ref(r.postact().spelling())));
        }
        List<Statement> inner = new ArrayList<>();
        for (Node x : r.body()) {
            inner.add(new Chain(P, List.of(item(x, b))));
        }
        return new Ast.ResidualBlock(P, opts, new Block(P, inner), r.mask());
    }

    private Ast.Layer layer(SsmLayer l, Activation b, boolean activationsDefaultOn) {
        List<Option> opts = new ArrayList<>();
        opts.add(option("states", num(l.states())));
        if ((l.mode() == SsmMode.S5 || l.mode() == SsmMode.NECK) && l.blocks() != 1) {
            opts.add(option("blocks", num(l.blocks())));
        }
        opts.addAll(actOptions(l.act(), b));
        if (activationsDefaultOn && !l.activations()) {
            opts.add(option("activations", ref("off")));
        }
        if (l.dt() instanceof DtInit.Band) {
            opts.add(option("dt", ref("band")));
        } else if (l.dt() instanceof DtInit.Geometric g && !g.equals(DtInit.REFERENCE)) {
            opts.add(new Option(P, name("dt"), decimal(g.low()),
                    g.high() == g.low() ? Optional.empty() : Optional.of(decimal(g.high()))));
        }
        Optional<Expr> to = l.ssmOutChannels() != l.inChannels() ? Optional.of(num(l.ssmOutChannels())) : Optional.empty();
        return new Ast.Layer(P, name(l.mode().spelling()), opts, to);
    }

    private static List<Option> actOptions(Activation act, Activation b) {
        List<Option> opts = new ArrayList<>();
        if (act.norm() != b.norm()) {
            opts.add(option("norm", ref(act.norm().spelling())));
        }
        if (act.postact() != b.postact()) {
            opts.add(option("act", ref(act.postact().spelling())));
        }
        if (act.dropout() != b.dropout()) {
            opts.add(option("dropout", decimal(act.dropout())));
        }
        return opts;
    }

    private static Ast.Resample resample(Resample r) {
        ResampleKinds.Spelling s = ResampleKinds.spelling(r.mode());
        Optional<Expr> to = r.mode().mixesChannels() || r.mode().forcedOutChannels(r.inChannels(), r.ratio()) != r.outChannels()
                ? Optional.of(num(r.outChannels())) : Optional.empty();
        return new Ast.Resample(P, s.down(), name(s.kind()), num(r.ratio()), to, s.bias());
    }

    private static Ast.HeadDecl head(List<Dense> layers) {
        List<Ast.HeadItem> items = new ArrayList<>();
        for (Dense d : layers) {
            items.add(new Ast.Linear(P, num(d.out())));
            if (d.after() != Postact.IDENTITY) {
                items.add(new Ast.HeadAct(P, name(d.after().spelling())));
            }
        }
        return new Ast.HeadDecl(P, name("mean"), items);
    }

    /** {@code head frames -> linear K ...}: each pointwise conv a linear layer, each activation its postact. */
    private static Ast.HeadDecl frameHead(List<Node> nodes) {
        List<Ast.HeadItem> items = new ArrayList<>();
        for (Node n : nodes) {
            items.add(n instanceof Resample r ? new Ast.Linear(P, num(r.outChannels()))
                    : new Ast.HeadAct(P, name(((ActLayer) n).act().postact().spelling())));
        }
        return new Ast.HeadDecl(P, name("frames"), items);
    }

    // ---- leaves ----

    private static Name name(String s) {
        return new Name(P, s);
    }

    private static Ast.Ref ref(String s) {
        return new Ast.Ref(P, s);
    }

    private static Num num(long v) {
        return new Num(P, Long.toString(v));
    }

    private static Num decimal(double v) {
        return new Num(P, BigDecimal.valueOf(v).stripTrailingZeros().toPlainString());
    }

    private static Option option(String key, Expr value) {
        return new Option(P, name(key), value);
    }

    private static Ast.PlanEntry entry(String key, int value) {
        return new Ast.PlanEntry(P, name(key), new Ast.Quantity(P, num(value), Optional.empty()));
    }
}
