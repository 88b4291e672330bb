package dev.ssmc.compiler.syntax.check;

import dev.ssmc.compiler.ir.Node;
import dev.ssmc.compiler.ir.NormKind;
import dev.ssmc.compiler.ir.Postact;
import dev.ssmc.compiler.ir.Residual;
import dev.ssmc.compiler.syntax.Ast;
import dev.ssmc.compiler.syntax.Ast.Item;
import dev.ssmc.compiler.syntax.Pos;
import dev.ssmc.compiler.syntax.check.Expansion.ScopedChain;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Lowers an {@code encoder}/{@code bottleneck}/{@code decoder} block as the reference's denoiser
 * builds its U-Net: encoder level {@code i} ({@code down_ssms.{i}}) remembers its input, or the
 * signal at its {@code skip} mark, and the decoder level that mirrors it ({@code up_ssms.{i}},
 * listed deepest first) adds it back right after its upsampling; the bottleneck's layers are
 * {@code hid_ssms.{k}}. In the IR each skip is a residual around what lies between.
 */
final class UNetLowering {
    private final FileContext ctx;
    private final NetworkState net;
    private final Expansion expansion;
    private final ItemLowering items;
    /** Bottleneck layers lowered so far in the current block. */
    private int hidden;

    UNetLowering(FileContext ctx, NetworkState net, Expansion expansion, ItemLowering items) {
        this.ctx = ctx;
        this.net = net;
        this.expansion = expansion;
        this.items = items;
    }

    void lower(Ast.EncoderDecoder ed, Scope s) {
        List<ScopedChain> enc = expansion.chains(ed.encoder().statements(), s);
        List<ScopedChain> mid = ed.bottleneck().map(b -> expansion.chains(b.statements(), s)).orElse(List.of());
        List<ScopedChain> dec = expansion.chains(ed.decoder().statements(), s);
        if (enc.isEmpty()) {
            ctx.error(ed.pos(), "the encoder needs at least one level",
                    "a level is a layer and its downsampling: `s5(states 8) -> downsample conv 4 to 16`");
            return;
        }
        if (dec.size() != enc.size()) {
            ctx.error(ed.decoder().pos(), "the decoder has " + dec.size() + " level" + (dec.size() == 1 ? "" : "s")
                    + " but the encoder has " + enc.size(), "every encoder level needs a decoder level (listed deepest first)"
                    + " that brings the signal back to the level's input");
            return;
        }
        hidden = 0;
        net.body().addAll(level(0, enc, mid, dec));
    }

    /**
     * Encoder level {@code i}, the levels inside it, and its decoder level: the nodes before the
     * skip leaves, then a residual whose body runs from there to where the decoder adds it back,
     * then the decoder level's layers.
     */
    private List<Node> level(int i, List<ScopedChain> enc, List<ScopedChain> mid, List<ScopedChain> dec) {
        int depth = enc.size();
        ScopedChain e = enc.get(i);
        ScopedChain d = dec.get(depth - 1 - i);
        List<Node> before = new ArrayList<>();
        List<Node> inner = new ArrayList<>();
        List<Item> encItems = e.chain().items();
        // A level ends with its downsampling step; without one it keeps the rate (the reference's ratio 1).
        boolean ok = true;
        int marks = 0;
        for (Item item : encItems) {
            if (item instanceof Ast.SkipMark m && ++marks > 1) {
                ctx.error(m.pos(), "an encoder level has one skip connection, so one `skip`",
                        "remove the second `skip`");
                ok = false;
            }
        }
        // Without a `skip` mark the level's input is remembered; with one, the signal at the mark.
        List<Node> target = marks == 1 ? before : inner;
        int skipWidth = net.flow();
        int k = 0;
        for (int j = 0; j < encItems.size(); j++) {
            Item item = encItems.get(j);
            if (item instanceof Ast.SkipMark) {
                target = inner;
                skipWidth = net.flow();
            } else if (item instanceof Ast.Resample r && j == encItems.size() - 1) {
                ok &= items.resample(r, "down_ssms." + i + ".1", e.scope(), inner, "encoder level " + i, OptionalInt.empty());
            } else {
                ok &= items.lower(item, "down_ssms." + i + ".0." + k++, e.scope(), target, "encoder level " + i);
            }
        }
        if (i + 1 < depth) {
            inner.addAll(level(i + 1, enc, mid, dec));
        } else {
            for (ScopedChain m : mid) {
                for (Item item : m.chain().items()) {
                    int h = hidden++;
                    ok &= items.lower(item, "hid_ssms." + h, m.scope(), inner, "bottleneck layer " + h);
                }
            }
        }
        List<Item> decItems = d.chain().items();
        List<Node> after = new ArrayList<>();
        // The level starts with its upsampling step (none for a ratio of 1); the skip is added right after it,
        // where an optional `skip` may say so.
        int start = 0;
        if (decItems.get(0) instanceof Ast.Resample up) {
            start = 1;
            ok &= items.resample(up, "up_ssms." + i + ".0", d.scope(), inner, "decoder level " + i,
                    OptionalInt.of(skipWidth));
        }
        if (start < decItems.size() && decItems.get(start) instanceof Ast.SkipMark) {
            start++;
        }
        if (ok && net.flow() != skipWidth) {
            Pos at = start > 0 ? decItems.get(0).pos() : d.chain().pos();
            ctx.error(at, "decoder level " + i + " gives " + channels(net.flow()) + " but the skip from encoder level " + i
                    + " carries " + skipWidth, "upsample to " + channels(skipWidth) + ": `... to " + skipWidth + "`");
            ok = false;
        }
        net.flowTo(skipWidth);
        int m = 0;
        for (int j = start; j < decItems.size(); j++) {
            if (decItems.get(j) instanceof Ast.SkipMark mark) {
                ctx.error(mark.pos(), "a decoder level adds its skip right after its upsampling step",
                        "move `skip` to just after the upsampling, or remove it");
                ok = false;
                continue;
            }
            ok &= items.lower(decItems.get(j), "up_ssms." + i + ".1." + m++, d.scope(), after, "decoder level " + i);
        }
        List<Node> out = new ArrayList<>(before);
        if (ok) {
            out.add(new Residual(ctx.origin(e.chain().pos(), "level " + i + " (skip addition)"), inner, NormKind.NONE, "",
                    Postact.IDENTITY));
        }
        out.addAll(after);
        return out;
    }

    private static String channels(int n) {
        return n + (n == 1 ? " channel" : " channels");
    }
}
