package dev.ssmc.gentests;

import static dev.ssmc.gentests.support.Close.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.gentests.fixtures.DenoiserNetwork;
import dev.ssmc.gentests.fixtures.KeywordSpotterNetwork;
import dev.ssmc.runtime.model.Model;
import dev.ssmc.runtime.model.Parameter;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.stream.NetworkStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples' classes used as an application uses them: by their names and static types, as the
 * plugin generated them into this module's main code (a change of the generated API breaks this
 * file's compilation, not just a reflective call).
 */
class FixtureUsageTest {
    @TempDir
    Path dir;

    @Test
    void keywordSpotter() throws IOException {
        KeywordSpotterNetwork net = KeywordSpotterNetwork.init(7);
        int frame = KeywordSpotterNetwork.WINDOW;
        int rest = 17; // any length from one window on: the samples past the last whole window are ignored
        int length = 2 * frame + rest;
        float[] audio = input(KeywordSpotterNetwork.IN_CHANNELS * length);
        Model.Outputs out = net.forward(audio, 1, length);
        float[] logits = out.logits().data();
        assertEquals(KeywordSpotterNetwork.CLASSES, logits.length, "one logit per class");
        assertArrayEquals(logits, KeywordSpotterNetwork.init(7).forward(audio, 1, length).logits().data(),
                "init(seed) is deterministic");

        Path file = dir.resolve("kws.safetensors");
        net.save(file);
        assertArrayEquals(logits, KeywordSpotterNetwork.load(file).forward(audio, 1, length).logits().data(),
                "save then load gives the same network");

        Map<String, float[]> copy = new LinkedHashMap<>();
        for (Parameter p : KeywordSpotterNetwork.PARAMETERS) {
            copy.put(p.key(), net.parameters().get(p.key()).clone());
        }
        KeywordSpotterNetwork same = KeywordSpotterNetwork.of(copy);
        same.prepare();
        float[] streamed = same.model().stream(new Signal(1, KeywordSpotterNetwork.IN_CHANNELS, length, audio),
                new int[] {frame, frame, rest}).logits().data();
        assertClose(logits, streamed, "of(parameters()) streamed by its model in frames vs the forward pass", "keyword spotter");

        KeywordSpotterNetwork.Stream stream = net.newStream();
        float[] last = new float[stream.maxOutput(frame)];
        assertEquals(KeywordSpotterNetwork.CLASSES, stream.process(audio, 0, frame, last), "logits after one frame");
        assertEquals(KeywordSpotterNetwork.CLASSES, stream.process(audio, frame, frame, last), "logits after two frames");
        assertEquals(KeywordSpotterNetwork.CLASSES, stream.process(audio, 2 * frame, rest, last), "and the tail changes nothing");
        assertClose(logits, Arrays.copyOf(last, KeywordSpotterNetwork.CLASSES), "newStream() in frames vs the forward pass",
                "keyword spotter");

        float[] first = new float[KeywordSpotterNetwork.CLASSES];
        first[0] = 1;
        assertEquals(length, net.backward(audio, 1, length, null, first).get("input").length,
                "the input's gradient has the input's shape");
    }

    @Test
    void denoiser() {
        DenoiserNetwork net = DenoiserNetwork.init(7);
        int length = 2 * DenoiserNetwork.WINDOW + 5; // padded to whole windows, the output cut back
        float[] audio = input(DenoiserNetwork.IN_CHANNELS * length);
        Model.Outputs out = net.forward(audio, 1, length);
        assertNull(out.logits(), "the denoiser has no head");
        assertEquals(0, DenoiserNetwork.CLASSES);
        assertEquals(1, DenoiserNetwork.FEATURES, "audio out");
        assertEquals(DenoiserNetwork.FEATURES, out.features().channels());
        assertEquals(length, out.features().length(), "as long as the input");
        assertTrue(DenoiserNetwork.PARAMETERS.size() > 0);

        NetworkStream stream = net.newStream();
        float[] denoised = new float[DenoiserNetwork.FEATURES * length];
        float[] buffer = new float[stream.maxOutput(DenoiserNetwork.IN_CHANNELS * length)];
        int got = 0;
        for (int at = 0; at < length; at += 3) {
            int len = Math.min(3, length - at) * DenoiserNetwork.IN_CHANNELS;
            int n = stream.process(audio, at * DenoiserNetwork.IN_CHANNELS, len, buffer);
            System.arraycopy(buffer, 0, denoised, got, n);
            got += n;
        }
        // a stream gives whole windows only: the forward pass padded the last one with zeros
        int whole = length / DenoiserNetwork.WINDOW * DenoiserNetwork.WINDOW;
        assertEquals(DenoiserNetwork.FEATURES * whole, got, "every whole window's output streamed");
        assertClose(Arrays.copyOf(out.features().x(), got), Arrays.copyOf(denoised, got),
                "newStream() in calls of 3 frames vs the forward pass",
                "denoiser");
    }

    private static float[] input(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) Math.sin(0.37 * i) * 0.5f;
        }
        return x;
    }
}
