package dev.ssmc.runtime.stream;

import static dev.ssmc.runtime.stream.StreamTesting.assertClose;
import static dev.ssmc.runtime.stream.StreamTesting.randn;
import static dev.ssmc.runtime.stream.StreamTesting.signal;
import static dev.ssmc.runtime.stream.StreamTesting.split;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.ssmc.runtime.model.ClassifierHead;
import dev.ssmc.runtime.model.Params;
import dev.ssmc.runtime.nn.PostactKind;
import dev.ssmc.runtime.stream.StreamTesting.MapParams;
import dev.ssmc.runtime.testing.Property;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The streaming head's logits equal the model's head on all the feature frames so far, at every point of a stream. */
class HeadFramesTest {

    @Test
    void logitsOfTheFramesSoFar() {
        Property.forAll(60, in -> new HeadCase(integers().between(1, 12).generate(in),
                arbitrary().enumValues(PostactKind.class).generate(in),
                longs().all().generate(in)),
                a -> logitsOfTheFramesSoFar(a.channels(), a.hidden(), a.seed()));
    }

    /** One try of {@link #logitsOfTheFramesSoFar()}. */
    record HeadCase(int channels, PostactKind hidden, long seed) {
    }

    private void logitsOfTheFramesSoFar(int channels, PostactKind hidden, long seed) {
        Random rnd = new Random(seed);
        MapParams p = new MapParams(rnd);
        int width = 2 * (1 + rnd.nextInt(6));
        int after = hidden == PostactKind.GLU ? width / 2 : width;
        int classes = 1 + rnd.nextInt(5);
        List<ClassifierHead.Linear> layers = List.of(new ClassifierHead.Linear("classifier.1.0", channels, width, hidden),
                new ClassifierHead.Linear("classifier.1.2", after, classes, PostactKind.IDENTITY));
        for (ClassifierHead.Linear l : layers) {
            p.random(Params.join(l.key(), "weight"), l.in() * l.out());
            p.random(Params.join(l.key(), "bias"), l.out());
        }
        ClassifierHead head = new ClassifierHead(layers, p);
        HeadFrames frames = new HeadFrames(layers, p);
        assertEquals(classes, frames.classes());
        assertThrows(IllegalStateException.class, () -> frames.logits(new float[classes]));
        int length = 1 + rnd.nextInt(100);
        float[] features = randn(rnd, channels * length);
        int at = 0;
        float[] logits = new float[classes];
        for (int size : split(rnd, length, 20)) {
            frames.accumulate(features, at * channels, size);
            at += size;
            if (at > 0) {
                frames.logits(logits);
                float[] ref = head.apply(signal(Arrays.copyOf(features, at * channels), channels, at)).data();
                assertClose("logits after " + at + " frames", ref, logits);
            }
        }
        assertEquals(length, frames.frames());
        frames.reset();
        assertEquals(0, frames.frames());
    }
}
