package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final int BATCH = 64;

    @Test
    void trainingBatchesAreAPureFunctionOfSeedAndEpoch() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batches a = Batches.training(train, BATCH, 7, 3, Augmentation.defaults(16000));
        Batches b = Batches.training(train, BATCH, 7, 3, Augmentation.defaults(16000));
        // the second one is asked in reverse order: a batch does not depend on what came before
        List<Batch> fromB = new ArrayList<>();
        for (int i = b.batchCount() - 1; i >= 0; i--) {
            fromB.add(b.batch(i));
        }
        Collections.reverse(fromB);
        int i = 0;
        while (a.hasNext()) {
            assertSameBatch(a.next(), fromB.get(i++));
        }
        assertEquals(a.batchCount(), i);
    }

    @Test
    void anEpochHasEveryClipOnceAndItsSilence() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batches epoch = Batches.training(train, BATCH, 1, 0, Augmentation.defaults(16000));
        assertEquals(1560 + 173, epoch.itemCount());
        assertEquals((1560 + 173 + BATCH - 1) / BATCH, epoch.batchCount());
        Map<String, Integer> labelOf = new HashMap<>();
        for (Clip c : train.clips()) {
            labelOf.put(c.source(), c.label());
        }
        int silence = 0;
        int words = 0;
        List<String> seen = new ArrayList<>();
        while (epoch.hasNext()) {
            Batch batch = epoch.next();
            assertEquals(batch.index() == epoch.batchCount() - 1 ? (1560 + 173) % BATCH : BATCH, batch.size());
            for (int b = 0; b < batch.size(); b++) {
                String source = batch.sources().get(b);
                if (source.startsWith("silence:")) {
                    silence++;
                    assertEquals(11, batch.labels()[b]);
                } else {
                    words++;
                    assertEquals(labelOf.get(source), batch.labels()[b], source);
                    seen.add(source);
                }
            }
        }
        assertEquals(173, silence);
        assertEquals(1560, words);
        assertEquals(labelOf.keySet(), new java.util.HashSet<>(seen));
    }

    @Test
    void epochsDifferInOrderAndAugmentation() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batch e0 = Batches.training(train, BATCH, 7, 0, Augmentation.defaults(16000)).batch(0);
        Batch e1 = Batches.training(train, BATCH, 7, 1, Augmentation.defaults(16000)).batch(0);
        Batch otherSeed = Batches.training(train, BATCH, 8, 0, Augmentation.defaults(16000)).batch(0);
        assertNotEquals(e0.sources(), e1.sources());
        assertNotEquals(e0.sources(), otherSeed.sources());
        assertFalse(java.util.Arrays.equals(e0.inputs(), e1.inputs()));
    }

    @Test
    void augmentationChangesInputsButKeepsLabels() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batch plain = Batches.training(train, BATCH, 5, 2, Augmentation.NONE).batch(3);
        Batch augmented = Batches.training(train, BATCH, 5, 2, Augmentation.defaults(16000)).batch(3);
        assertEquals(plain.sources(), augmented.sources());
        assertArrayEquals(plain.labels(), augmented.labels());
        Map<String, Clip> bySource = new HashMap<>();
        train.clips().forEach(c -> bySource.put(c.source(), c));
        int changed = 0;
        for (int b = 0; b < plain.size(); b++) {
            float[] p = java.util.Arrays.copyOfRange(plain.inputs(), b * 16000, (b + 1) * 16000);
            float[] a = java.util.Arrays.copyOfRange(augmented.inputs(), b * 16000, (b + 1) * 16000);
            Clip clip = bySource.get(plain.sources().get(b));
            if (clip != null) {
                assertArrayEquals(clip.samples(), p, "without augmentation a clip is itself");
            }
            if (!java.util.Arrays.equals(p, a)) {
                changed++;
            }
            for (float v : a) {
                assertTrue(v >= -1 && v <= 1);
            }
        }
        // a zero shift and no noise happen together with probability 0.2 / 3201
        assertEquals(plain.size(), changed);
    }

    @Test
    void shiftMovesTheClipAndFillsWithZeros() {
        float[] clip = new float[100];
        for (int t = 0; t < clip.length; t++) {
            clip[t] = t + 1;
        }
        Augmentation shiftOnly = new Augmentation(0, 0, 10);
        SplittableRandom rnd = new SplittableRandom(3);
        int seenPositive = 0;
        int seenNegative = 0;
        for (int trial = 0; trial < 50; trial++) {
            float[] out = new float[104];
            java.util.Arrays.fill(out, 99f);
            shiftOnly.apply(clip, out, 2, BackgroundNoise.of(List.of()), Split.TRAIN, rnd);
            assertEquals(99f, out[0]);
            assertEquals(99f, out[103]);
            // out[2 + t] = clip[t - s]: find s from the first nonzero sample
            int s = out[2] == 0 ? firstNonZero(out, 2) - 2 : -(int) (out[2] - 1);
            assertTrue(Math.abs(s) <= 10, "shift " + s);
            for (int t = 0; t < 100; t++) {
                int src = t - s;
                assertEquals(src >= 0 && src < 100 ? clip[src] : 0f, out[2 + t], "shift " + s + " sample " + t);
            }
            seenPositive += s > 0 ? 1 : 0;
            seenNegative += s < 0 ? 1 : 0;
        }
        assertTrue(seenPositive > 0 && seenNegative > 0);
    }

    @Test
    void noiseIsAddedAtAtMostTheMaximumVolume() {
        float[] noise = new float[1000];
        java.util.Arrays.fill(noise, 1f);
        BackgroundNoise ones = BackgroundNoise.of(List.of(new BackgroundNoise.Recording("ones", noise)));
        Augmentation always = new Augmentation(1, 0.1, 0);
        SplittableRandom rnd = new SplittableRandom(4);
        double largest = 0;
        for (int trial = 0; trial < 100; trial++) {
            float[] out = new float[50];
            always.apply(new float[50], out, 0, ones, Split.TRAIN, rnd);
            // a constant recording: every sample of the item is the volume
            for (float v : out) {
                assertEquals(out[0], v);
            }
            assertTrue(out[0] >= 0 && out[0] <= 0.1f);
            largest = Math.max(largest, out[0]);
        }
        assertTrue(largest > 0.08);
    }

    @Test
    void prefetchingGivesTheSameBatchesAsThePlainIterator() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        for (int depth : new int[] {1, 3}) {
            Batches plain = Batches.training(train, BATCH, 11, 4, Augmentation.defaults(16000));
            int count = 0;
            try (PrefetchingBatches<Batch> ahead = Batches.training(train, BATCH, 11, 4, Augmentation.defaults(16000))
                    .prefetching(depth)) {
                while (ahead.hasNext()) {
                    assertTrue(plain.hasNext());
                    assertSameBatch(plain.next(), ahead.next());
                    count++;
                }
            }
            assertFalse(plain.hasNext());
            assertEquals(plain.batchCount(), count);
        }
        // closing early stops it without error
        PrefetchingBatches<Batch> early = Batches.training(train, BATCH, 11, 4, Augmentation.NONE).prefetching(2);
        early.next();
        early.close();
        assertThrows(IllegalStateException.class, early::next);
    }

    @Test
    void evaluationIsInOrderUnchangedAndEndsWithTheFixedSilence() {
        ClipSet validation = KwsSynth.load(Split.VALIDATION);
        Batches eval = Batches.evaluation(validation, 100);
        assertEquals(284, eval.itemCount());
        assertEquals(3, eval.batchCount());
        List<Clip> expected = validation.evaluationItems();
        int i = 0;
        while (eval.hasNext()) {
            Batch batch = eval.next();
            for (int b = 0; b < batch.size(); b++, i++) {
                assertEquals(expected.get(i).source(), batch.sources().get(b));
                assertEquals(expected.get(i).label(), batch.labels()[b]);
                assertArrayEquals(expected.get(i).samples(),
                        java.util.Arrays.copyOfRange(batch.inputs(), b * 16000, (b + 1) * 16000));
            }
        }
        assertEquals(84, Batches.evaluation(validation, 100).batch(2).size());
        assertTrue(expected.get(283).source().startsWith("silence:"));
    }

    private static int firstNonZero(float[] x, int from) {
        for (int i = from; i < x.length; i++) {
            if (x[i] != 0) {
                return i;
            }
        }
        return -1;
    }

    static void assertSameBatch(Batch expected, Batch actual) {
        assertEquals(expected.index(), actual.index());
        assertEquals(expected.sources(), actual.sources());
        assertArrayEquals(expected.labels(), actual.labels());
        assertArrayEquals(expected.inputs(), actual.inputs(), "batch " + expected.index());
    }
}
