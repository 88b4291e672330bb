package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.train.SpeechCommands.Split;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchesTest {
    private static final int BATCH = 64;
    /**
     * The time shift and background noise only: whole epochs of it are cheap, for the tests of an
     * epoch's bookkeeping (the full augmentation's resampling would make them minutes long).
     */
    private static final Augmentation CHEAP = Augmentation.NONE.withShift(1600).withBackgroundNoise(0.8, 0.1);

    @Test
    void trainingBatchesAreAPureFunctionOfSeedAndEpoch() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batches a = Batches.training(train, BATCH, 7, 3, CHEAP);
        Batches b = Batches.training(train, BATCH, 7, 3, CHEAP);
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

    record Draw(long seed, int epoch, int index, int before) {
    }

    @Test
    void withTheFullAugmentationABatchIsStillAPureFunctionOfItsIndex() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        int size = 6;
        Property.forAll(8, in -> new Draw(longs().all().generate(in), integers().between(0, 50).generate(in),
                integers().between(0, 288).generate(in), integers().between(0, 288).generate(in)), d -> {
            Batches a = Batches.training(train, size, d.seed(), d.epoch(), Augmentation.defaults(16000),
                    KwsSynth.recordings());
            Batches b = Batches.training(train, size, d.seed(), d.epoch(), Augmentation.defaults(16000),
                    KwsSynth.recordings());
            b.batch(d.before()); // another batch first: nothing carries over
            assertSameBatch(a.batch(d.index()), b.batch(d.index()));
        });
        // and made ahead on another thread
        Batches plain = full(train, 3, 1);
        try (PrefetchingBatches<Batch> ahead = full(train, 3, 1).prefetching(2)) {
            for (int i = 0; i < 2; i++) {
                assertSameBatch(plain.next(), ahead.next());
            }
        }
    }

    @Test
    void anEpochHasEveryClipOnceAndItsSilence() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batches epoch = Batches.training(train, BATCH, 1, 0, CHEAP);
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
        Batch e0 = full(train, 7, 0).batch(0);
        Batch e1 = full(train, 7, 1).batch(0);
        Batch otherSeed = full(train, 8, 0).batch(0);
        assertNotEquals(e0.sources(), e1.sources());
        assertNotEquals(e0.sources(), otherSeed.sources());
        assertFalse(java.util.Arrays.equals(e0.inputs(), e1.inputs()));
    }

    @Test
    void augmentationChangesInputsButKeepsLabels() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        Batch plain = Batches.training(train, BATCH, 5, 2, Augmentation.NONE).batch(3);
        Batch augmented = full(train, 5, 2).batch(3);
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
        // every item is at least resampled and masked
        assertEquals(plain.size(), changed);
    }

    @Test
    void prefetchingGivesTheSameBatchesAsThePlainIterator() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        for (int depth : new int[] {1, 3}) {
            Batches plain = Batches.training(train, BATCH, 11, 4, CHEAP);
            int count = 0;
            try (PrefetchingBatches<Batch> ahead = Batches.training(train, BATCH, 11, 4, CHEAP)
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

    /** A training epoch with the default augmentation, the shared noise recordings included. */
    private static Batches full(ClipSet train, long seed, int epoch) {
        return Batches.training(train, BATCH, seed, epoch, Augmentation.defaults(16000), KwsSynth.recordings());
    }

    @Test
    void recordingsAreNeededOnlyWhenTheAugmentationMixesThemIn() {
        ClipSet train = KwsSynth.load(Split.TRAIN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Batches.training(train, BATCH, 1, 0, Augmentation.defaults(16000)));
        assertTrue(e.getMessage().contains("none were given"), e.getMessage());
        Augmentation without = Augmentation.defaults(16000).withRecordings(Augmentation.Recordings.NONE);
        assertEquals(BATCH, Batches.training(train, BATCH, 1, 0, without).batch(0).size());
    }

    static void assertSameBatch(Batch expected, Batch actual) {
        assertEquals(expected.index(), actual.index());
        assertEquals(expected.sources(), actual.sources());
        assertArrayEquals(expected.labels(), actual.labels());
        assertArrayEquals(expected.inputs(), actual.inputs(), "batch " + expected.index());
    }
}
