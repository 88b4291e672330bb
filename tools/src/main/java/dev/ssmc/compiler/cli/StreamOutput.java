package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.train.Alphabet;
import dev.ssmc.runtime.train.StreamingTranscriber;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * What {@code ssmc run} does with a stream's output, chunk by chunk as it comes, and what it
 * reports once the input has ended: a classifier's top classes, a recognizer's words, a
 * denoiser's audio.
 */
sealed interface StreamOutput permits StreamOutput.TopClasses, StreamOutput.Transcript, StreamOutput.AudioFile {
    /** What the stream wrote to {@code out[0 .. n)} for one chunk, once {@code fed} input frames were in. */
    void accept(float[] out, int n, int fed);

    /** The input has ended: the last of the work that the real-time factor counts. */
    default void finish() {
    }

    /** Prints the result (after {@code run}'s timing line). */
    void report(PrintWriter w);

    /**
     * How long streaming took: on the wall clock, and in CPU time of the calling thread, which
     * streams alone (so other work on the machine does not count; the wall time where the JVM
     * cannot measure it).
     */
    record Timing(double wallSeconds, double cpuSeconds) {
    }

    /**
     * Feeds {@code x} ({@code channels} floats a frame) through {@code stream} in chunks of
     * {@code step} frames on the calling thread, handing each chunk's output to {@code sink}.
     *
     * @return how long it took, {@link #finish()} included
     */
    static Timing stream(NetworkStream stream, float[] x, int channels, int step, StreamOutput sink) {
        int frames = x.length / channels;
        stream.reserve(step * channels);
        float[] out = new float[stream.maxOutput(step * channels)];
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        boolean cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        long startCpu = cpu ? threads.getCurrentThreadCpuTime() : 0;
        long start = System.nanoTime();
        for (int at = 0; at < frames; at += step) {
            int len = Math.min(step, frames - at);
            int n = stream.process(x, at * channels, len * channels, out);
            sink.accept(out, n, at + len);
        }
        sink.finish();
        double wall = (System.nanoTime() - start) / 1e9;
        return new Timing(wall, cpu ? (threads.getCurrentThreadCpuTime() - startCpu) / 1e9 : wall);
    }

    /** A classifier's logits over the whole input, as its most probable classes. */
    final class TopClasses implements StreamOutput {
        private final List<String> labels;
        private final int top;
        private final String tooShort;
        private float[] logits;

        /**
         * @param labels the classes' names, or none (then "class K")
         * @param tooShort the message for an input too short for one feature frame
         */
        TopClasses(List<String> labels, int top, String tooShort) {
            this.labels = labels;
            this.top = top;
            this.tooShort = tooShort;
        }

        @Override
        public void accept(float[] out, int n, int fed) {
            if (n > 0) {
                logits = Arrays.copyOf(out, n); // a classifier's stream gives the logits of every frame so far
            }
        }

        @Override
        public void report(PrintWriter w) {
            if (logits == null) {
                throw new UserError(tooShort);
            }
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits) {
                max = Math.max(max, v);
            }
            double sum = 0;
            double[] p = new double[logits.length];
            for (int i = 0; i < logits.length; i++) {
                p[i] = Math.exp(logits[i] - max);
                sum += p[i];
            }
            Integer[] order = new Integer[logits.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
            for (int k = 0; k < Math.min(top, logits.length); k++) {
                int i = order[k];
                String name = i < labels.size() ? labels.get(i) : "class " + i;
                w.printf(Locale.ROOT, "%d. %-10s p=%.3f%n", k + 1, name, p[i] / sum);
            }
        }
    }

    /**
     * A recognizer's frames, transcribed as they come ({@link StreamingTranscriber}): each word is
     * printed as soon as it is certain, with the seconds of audio the stream had then been fed.
     */
    final class Transcript implements StreamOutput {
        private final StreamingTranscriber transcriber;
        private final int classes;
        private final double rate;
        private final int samples;
        private final PrintWriter live;
        private int fed;

        /**
         * @param samples the input's samples (the stream may be fed padding after them)
         * @param live where to print the words as they become certain, or null for nowhere
         */
        Transcript(Alphabet alphabet, CtcDecoding decoding, int sampleRate, int samples, PrintWriter live) {
            this.transcriber = decoding.transcriber(alphabet);
            this.classes = alphabet.classes();
            this.rate = sampleRate;
            this.samples = samples;
            this.live = live;
        }

        @Override
        public void accept(float[] out, int n, int fed) {
            this.fed = Math.min(fed, samples);
            say(transcriber.accept(out, 0, n / classes));
        }

        @Override
        public void finish() {
            say(transcriber.finish());
        }

        private void say(List<String> words) {
            if (live != null && !words.isEmpty()) {
                for (String word : words) {
                    live.printf(Locale.ROOT, "%7.2f s  %s%n", fed / rate, word);
                }
                live.flush();
            }
        }

        @Override
        public void report(PrintWriter w) {
            w.println("transcript: " + transcriber.transcript());
        }
    }

    /** A sequence network's output audio, written as long as the input (what padding made is dropped). */
    final class AudioFile implements StreamOutput {
        private final Path output;
        private final int width;
        private final int kept;
        private final int rate;
        private float[] y;
        private int produced;

        /**
         * @param samples the input's samples
         * @param inputRate the input's sample rate, in Hz
         */
        AudioFile(Path output, NetworkShapes shapes, int samples, int inputRate) {
            this.output = output;
            this.width = shapes.featureChannels();
            // audio at the input's rate (a denoiser's) is as long as the input: the stream is fed whole windows
            this.kept = shapes.outputRate().isOne() ? samples : shapes.outputLength(samples);
            this.rate = (int) ((long) inputRate * shapes.outputRate().num() / shapes.outputRate().den());
            // what the stream gives for the input padded to whole windows: at least what is kept
            this.y = new float[width * Math.max(1, shapes.outputLength(paddedInput(shapes, samples)))];
        }

        /**
         * The samples a stream writing audio is fed: a network whose output has the input's rate
         * gets the input padded with silence to whole windows of its resampling (it gives audio only
         * for those; its output is then cut to the input's length), any other the input as the
         * full-sequence pass takes it.
         */
        static int paddedInput(NetworkShapes shapes, int samples) {
            return shapes.outputRate().isOne() ? shapes.wholeWindows(samples) : shapes.paddedLength(samples);
        }

        @Override
        public void accept(float[] out, int n, int fed) {
            if (produced + n > y.length) {
                y = Arrays.copyOf(y, Math.max(2 * y.length, produced + n));
            }
            System.arraycopy(out, 0, y, produced, n);
            produced += n;
        }

        @Override
        public void report(PrintWriter w) {
            int length = Math.min(produced / width, kept);
            float[][] channels = new float[width][length];
            for (int ch = 0; ch < width; ch++) {
                for (int t = 0; t < length; t++) {
                    channels[ch][t] = y[t * width + ch];
                }
            }
            try {
                Wav.write(output, new Audio(rate, channels), WavEncoding.FLOAT32);
            } catch (IOException e) {
                throw UserFiles.failure(output, e);
            }
            w.printf("wrote %s (%d samples, %d channel%s)%n", output, length, width, width == 1 ? "" : "s");
        }
    }
}
