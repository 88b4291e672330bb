package dev.ssmc.runtime.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * CTC prefix beam search (Hannun et al., 2014), one frame at a time: the state of a decoder that
 * is fed an utterance's frames as they arrive ({@link #advance}) and asked at any point for its
 * best labellings ({@link #hypotheses()}) or for the labels every one of them agrees on
 * ({@link #commonPrefix()}, see {@link StreamingTranscriber}). {@link CtcDecoder#beamSearch} is
 * this run over a whole utterance, so decoding a stream and decoding the utterance give the same
 * result by construction.
 *
 * <p><b>The recursion.</b> A prefix (a labelling so far, no blanks) carries two log
 * probabilities: of the alignments of the frames so far that spell it and end in a blank
 * ({@code blank}), and of those that end in its last label ({@code label}). A frame with
 * log-probabilities {@code p} (log-softmax of its logits) turns prefix {@code P} into:
 * {@code P} again by a blank ({@code blank' += total(P) + p[blank]}) or by repeating its last
 * label ({@code label' += label(P) + p[last]}), and {@code P+c} for every label {@code c}
 * ({@code label'(P+c) += total(P) + p[c]}, but only {@code blank(P) + p[c]} when {@code c} is
 * {@code P}'s last label, since without a blank between them the two would merge). Sums are
 * log-sum-exp in double. The {@code width} prefixes of largest {@code total = logAdd(blank, label)}
 * are kept; equal totals keep the prefix made first, so the search is deterministic. With a
 * {@code logThreshold}, prefixes whose total is more than that below the best's are dropped too:
 * a width alone keeps improbable prefixes (an early insertion, a missed space) alive for as long
 * as nothing better displaces them, which on a confident network's output is for ever, and every
 * one of them holds back what a stream can call certain ({@link #commonPrefix()}).
 *
 * <p><b>What it finds.</b> Unpruned (a width at least the number of prefixes), the totals are
 * the exact probabilities of the labellings, so the best hypothesis is the most probable
 * labelling. Pruned, a total counts only the alignments through kept prefixes: a lower bound of
 * the labelling's probability. With width 1 it returns the greedy (best path) labelling whenever
 * the best path has probability above 1/2, since then the prefix on that path holds more than
 * half of all the mass at every frame; below that the two can differ either way.
 *
 * <p><b>With a lexicon</b> ({@link Lexicon}), a prefix grows only into labellings made of the
 * lexicon's words separated by single spaces: a label that no word goes on with is not tried.
 * The labelling an utterance decodes to ({@link #best()}, the first of {@link #hypotheses()}) is
 * then the most probable kept prefix that ends on a whole word, since one that ends inside a word
 * spells none; so that there always is one, the most probable such prefix is kept after every
 * frame even when the width or the threshold would drop it (the beam then holds one more).
 *
 * <p>Prefixes are nodes linked to their parent (one label shorter), so the kept prefixes share
 * their common part and a frame costs {@code width * classes} updates whatever the length of the
 * utterance; pruned prefixes are garbage. Not thread-safe.
 */
public final class PrefixBeamSearch implements StreamingDecoder {
    /** One prefix: its last label and the prefix before it, with its two log probabilities. */
    private static final class Prefix {
        final Prefix parent;
        final int label;
        final int length;
        /** The order of creation: the tie-break between equal totals. */
        final long id;
        /** Where the prefix's last word is in the lexicon ({@link Lexicon#ROOT} without one). */
        final int node;
        double blank = Double.NEGATIVE_INFINITY;
        double nonBlank = Double.NEGATIVE_INFINITY;
        /** {@code logAdd(blank, nonBlank)}, kept since sorting asks for it again and again. */
        double total = Double.NEGATIVE_INFINITY;
        /** The two log probabilities after the frame being decoded, summed up while it is. */
        double nextBlank = Double.NEGATIVE_INFINITY;
        double nextNonBlank = Double.NEGATIVE_INFINITY;

        Prefix(Prefix parent, int label, long id, int node) {
            this.parent = parent;
            this.label = label;
            this.length = parent == null ? 0 : parent.length + 1;
            this.id = id;
            this.node = node;
        }

        int[] labels() {
            int[] out = new int[length];
            for (Prefix p = this; p.parent != null; p = p.parent) {
                out[p.length - 1] = p.label;
            }
            return out;
        }
    }

    private static final Comparator<Prefix> BEST_FIRST =
            Comparator.comparingDouble((Prefix p) -> p.total).reversed().thenComparingLong(p -> p.id);

    private final int classes;
    private final int width;
    private final double logThreshold;
    /** The words a prefix may spell, or null for any labelling. */
    private final Lexicon lexicon;
    private final double[] logp;
    private List<Prefix> beam;
    private long created;
    private int frames;

    /** A search that prunes by width alone. */
    public PrefixBeamSearch(int classes, int width) {
        this(classes, width, Double.POSITIVE_INFINITY);
    }

    /**
     * @param classes the classes per frame, the blank ({@value Alphabet#BLANK}) included
     * @param width how many prefixes are kept after every frame
     * @param logThreshold prefixes less probable than the best by more than this (in nats) are
     *     dropped; {@code +Infinity} for none
     */
    public PrefixBeamSearch(int classes, int width, double logThreshold) {
        this(classes, width, logThreshold, null);
    }

    /**
     * A search among the labellings that {@code lexicon}'s words make (any labelling if it is
     * null).
     *
     * @throws IllegalArgumentException as the other constructor, and if the lexicon's alphabet has
     *     other than {@code classes} classes
     */
    public PrefixBeamSearch(int classes, int width, double logThreshold, Lexicon lexicon) {
        if (lexicon != null && lexicon.alphabet().classes() != classes) {
            throw new IllegalArgumentException("a lexicon over " + lexicon.alphabet().classes() + " classes for a"
                    + " search over " + classes);
        }
        if (classes < 1) {
            throw new IllegalArgumentException("at least the blank class is needed, not " + classes + " classes");
        }
        if (width < 1) {
            throw new IllegalArgumentException("the beam width must be at least 1, not " + width);
        }
        if (!(logThreshold >= 0)) {
            throw new IllegalArgumentException("the log threshold must be at least 0, not " + logThreshold);
        }
        this.classes = classes;
        this.width = width;
        this.logThreshold = logThreshold;
        this.lexicon = lexicon;
        this.logp = new double[classes];
        reset();
    }

    /** Back to the start of an utterance: the empty prefix, certain. */
    @Override
    public void reset() {
        created = 0;
        frames = 0;
        Prefix empty = new Prefix(null, Alphabet.BLANK, created++, Lexicon.ROOT);
        empty.blank = 0;
        empty.total = 0;
        beam = List.of(empty);
    }

    @Override
    public int classes() {
        return classes;
    }

    public int width() {
        return width;
    }

    public double logThreshold() {
        return logThreshold;
    }

    /** The frames decoded since the start or {@link #reset()}. */
    @Override
    public int frames() {
        return frames;
    }

    /** Decodes every frame of {@code logits}, in order. */
    @Override
    public void advance(FrameLogits logits) {
        if (logits.classes() != classes) {
            throw new IllegalArgumentException("frames of " + logits.classes() + " classes for a search over "
                    + classes);
        }
        for (int t = 0; t < logits.frames(); t++) {
            logits.logSoftmax(t, logp, 0);
            step();
        }
    }

    private void step() {
        // Every candidate once, in order of creation; the kept prefixes are found again by (parent, label).
        Map<Long, Prefix> extensions = new HashMap<>();
        List<Prefix> candidates = new ArrayList<>();
        for (Prefix p : beam) {
            p.nextBlank = Double.NEGATIVE_INFINITY;
            p.nextNonBlank = Double.NEGATIVE_INFINITY;
            candidates.add(p);
            if (p.parent != null) {
                extensions.put(key(p.parent, p.label), p);
            }
        }
        for (Prefix p : beam) {
            double total = p.total;
            p.nextBlank = CtcLoss.logAdd(p.nextBlank, total + logp[Alphabet.BLANK]);
            if (p.length > 0) {
                p.nextNonBlank = CtcLoss.logAdd(p.nextNonBlank, p.nonBlank + logp[p.label]);
            }
            for (int c = 0; c < classes; c++) {
                if (c == Alphabet.BLANK) {
                    continue;
                }
                Prefix q = extensions.get(key(p, c));
                if (q == null) {
                    int node = lexicon == null ? Lexicon.ROOT : lexicon.next(p.node, c);
                    if (node == Lexicon.NONE) {
                        continue;
                    }
                    q = new Prefix(p, c, created++, node);
                    extensions.put(key(p, c), q);
                    candidates.add(q);
                }
                double from = p.length > 0 && c == p.label ? p.blank : total;
                q.nextNonBlank = CtcLoss.logAdd(q.nextNonBlank, from + logp[c]);
            }
        }
        for (Prefix q : candidates) {
            q.blank = q.nextBlank;
            q.nonBlank = q.nextNonBlank;
            q.total = CtcLoss.logAdd(q.blank, q.nonBlank);
        }
        candidates.sort(BEST_FIRST);
        int kept = Math.min(width, candidates.size());
        double floor = candidates.get(0).total - logThreshold;
        // impossible prefixes (a label right after itself with no blank between) never gain mass
        while (kept > 1 && (candidates.get(kept - 1).total == Double.NEGATIVE_INFINITY
                || candidates.get(kept - 1).total < floor)) {
            kept--;
        }
        List<Prefix> next = new ArrayList<>(candidates.subList(0, kept));
        if (lexicon != null && next.stream().noneMatch(this::complete)) {
            // one is always there: a kept complete prefix stays a candidate (by a blank) with finite mass
            candidates.stream().skip(kept).filter(this::complete).findFirst().ifPresent(next::add);
        }
        beam = List.copyOf(next);
        frames++;
    }

    private long key(Prefix parent, int label) {
        return parent.id * classes + label;
    }

    /**
     * The kept prefixes that could end the utterance as hypotheses, the most probable first: all
     * of them without a lexicon; with one, those that end on a whole word (at least one).
     */
    public List<Hypothesis> hypotheses() {
        return beam.stream().filter(this::complete).map(p -> new Hypothesis(p.labels(), p.total)).toList();
    }

    /** The first of {@link #hypotheses()}: what the utterance decodes to if it ends now. */
    public Hypothesis best() {
        Prefix p = bestPrefix();
        return new Hypothesis(p.labels(), p.total);
    }

    @Override
    public int[] bestLabels() {
        return bestPrefix().labels();
    }

    private Prefix bestPrefix() {
        return beam.stream().filter(this::complete).findFirst().orElseThrow();
    }

    private boolean complete(Prefix p) {
        return lexicon == null || lexicon.complete(p.node);
    }

    /**
     * The labels every kept prefix starts with. Since a prefix only ever grows, every later
     * hypothesis starts with them too: they are final.
     */
    public int[] commonPrefix() {
        return commonAncestor().labels();
    }

    /** How many labels {@link #commonPrefix()} has. */
    public int commonPrefixLength() {
        return commonAncestor().length;
    }

    /**
     * Labels {@code from .. commonPrefixLength()} of the common prefix: what became final since a
     * caller last saw {@code from} of them, without walking the whole prefix (a stream's grows
     * for as long as it runs).
     */
    @Override
    public int[] commonPrefixFrom(int from) {
        Prefix ancestor = commonAncestor();
        if (from < 0 || from > ancestor.length) {
            throw new IllegalArgumentException("label " + from + " of a common prefix of " + ancestor.length);
        }
        int[] out = new int[ancestor.length - from];
        for (Prefix p = ancestor; p.length > from; p = p.parent) {
            out[p.length - from - 1] = p.label;
        }
        return out;
    }

    /** The longest prefix of every kept one: walks up only as far as they differ. */
    private Prefix commonAncestor() {
        Prefix[] nodes = beam.toArray(new Prefix[0]);
        int depth = Arrays.stream(nodes).mapToInt(p -> p.length).min().orElseThrow();
        for (int i = 0; i < nodes.length; i++) {
            while (nodes[i].length > depth) {
                nodes[i] = nodes[i].parent;
            }
        }
        while (!allSame(nodes)) {
            for (int i = 0; i < nodes.length; i++) {
                nodes[i] = nodes[i].parent;
            }
        }
        return nodes[0];
    }

    private static boolean allSame(Prefix[] nodes) {
        for (Prefix p : nodes) {
            if (p != nodes[0]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A labelling and its score.
     *
     * @param labels the labels, no blanks
     * @param logProbability the log probability of the alignments the search counted for it
     *     (exact when nothing was pruned, a lower bound otherwise)
     */
    public record Hypothesis(int[] labels, double logProbability) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Hypothesis h && Arrays.equals(labels, h.labels)
                    && Double.compare(logProbability, h.logProbability) == 0;
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(labels) * 31 + Double.hashCode(logProbability);
        }

        @Override
        public String toString() {
            return "Hypothesis[" + Arrays.toString(labels) + ", " + logProbability + "]";
        }
    }
}
