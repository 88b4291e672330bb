package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.codegen.InMemoryCompiler;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code ssmc run FILE.ssm --checkpoint C --input in.wav}: compiles the network in memory and streams a WAV through it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Compile a network in memory, load its checkpoint and stream a WAV file through its generated "
                + "stream (newStream()) in the planned chunk. A classifier prints its top classes (named by the "
                + "checkpoint's 'labels' metadata when it has them); other networks write their output audio (--output).")
public final class RunCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .ssm file.")
    Path file;

    @Option(names = "--network", paramLabel = "NAME", description = "The network to run when the file has several.")
    String networkName;

    @Option(names = "--checkpoint", required = true, paramLabel = "C", description = "A safetensors checkpoint with the reference's keys.")
    Path checkpoint;

    @Option(names = "--input", required = true, paramLabel = "WAV", description = "The audio to run.")
    Path input;

    @Option(names = "--output", paramLabel = "WAV", description = "Where to write the output audio (networks without a head).")
    Path output;

    @Option(names = "--chunk", paramLabel = "N", description = "Samples per streaming chunk (default: the network's planned chunk).")
    Integer chunk;

    @Option(names = "--top", paramLabel = "K", description = "Classes to print (default: ${DEFAULT-VALUE}).")
    int top = 3;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (chunk != null && chunk < 1) {
            throw new UserError("--chunk must be at least 1, not " + chunk);
        }
        if (top < 1) {
            throw new UserError("--top must be at least 1, not " + top);
        }
        UserFiles.input(checkpoint, "--checkpoint");
        UserFiles.input(input, "--input");
        if (output != null) {
            UserFiles.output(output, "--output");
        }
        Frontend.Compilation c = NetworkChoice.compiled(file);
        Network network = NetworkChoice.pick(c, file, networkName);
        int classes = ShapeInference.infer(network).classes();
        if (classes == 0 && output == null) {
            throw new UserError("network " + network.name() + " outputs audio: give --output FILE.wav");
        }
        List<String> labels = classes > 0 ? labels(network, classes) : List.of();
        Audio audio;
        try {
            audio = Wav.read(input);
        } catch (IOException e) {
            throw UserFiles.failure(input, e);
        }
        if (audio.channelCount() != network.inChannels()) {
            throw new UserError(input + ": " + audio.channelCount() + " channel(s), but network " + network.name() + " takes "
                    + network.inChannels());
        }
        if (network.sampleRate() > 0 && audio.sampleRate() != network.sampleRate()) {
            throw new UserError(input + ": sampled at " + audio.sampleRate() + " Hz, but network " + network.name()
                    + " expects " + network.sampleRate() + " Hz; resample it first (e.g. sox in.wav -r "
                    + network.sampleRate() + " out.wav)");
        }
        // besides the audio as read, it is held frame-major for the stream, and its output as audio
        MemoryNeeds.require(MemoryNeeds.streams(network, 1)
                        + 2L * Float.BYTES * audio.frames() * Math.max(network.inChannels(), width(network)),
                MemoryNeeds.describe(network) + " streaming " + input, "run a shorter file");
        NetworkStream stream = ((StreamingNetwork) load(network)).newStream();
        int samples = audio.frames();
        NetworkShapes shapes = ShapeInference.infer(network);
        if (samples < shapes.minimumLength()) {
            throw new UserError(input + ": " + samples + " samples, shorter than one window of network " + network.name()
                    + "'s resampling (" + shapes.minimumLength() + " samples)");
        }
        // a network whose skip additions span resampling runs on whole windows: padded with silence, as forward does
        int frames = shapes.paddedLength(samples);
        int cin = network.inChannels();
        float[] x = new float[cin * frames]; // frame-major: one time step of every channel after the other
        for (int ch = 0; ch < cin; ch++) {
            float[] samplesOf = audio.channels()[ch];
            for (int t = 0; t < samples; t++) {
                x[t * cin + ch] = samplesOf[t];
            }
        }
        // a chunk longer than the audio is the whole audio: no buffer is sized past what there is
        int step = Math.min(frames, chunk != null ? chunk : Math.max(1, network.planning().chunk()));
        boolean classifier = stream.classes() > 0;
        int width = stream.featureChannels();
        stream.reserve(step * cin);
        float[] out = new float[stream.maxOutput(step * cin)];
        float[] logits = new float[stream.classes()];
        float[] y = classifier ? null : new float[stream.maxOutput(frames * cin)];
        int produced = 0; // floats of output audio
        boolean decided = false;
        long start = System.nanoTime();
        for (int at = 0; at < frames; at += step) {
            int len = Math.min(step, frames - at) * cin;
            int n = stream.process(x, at * cin, len, out);
            if (classifier) {
                if (n > 0) {
                    System.arraycopy(out, 0, logits, 0, n);
                    decided = true;
                }
            } else {
                System.arraycopy(out, 0, y, produced, n);
                produced += n;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        PrintWriter w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "%s: %d samples (%.2f s of audio) streamed in chunks of %d in %.3f s%n", input, samples,
                samples / (double) Math.max(1, audio.sampleRate()), step, seconds);
        if (classifier) {
            if (!decided) {
                throw new UserError(input + ": too short for one feature frame of network " + network.name());
            }
            printTop(w, logits, labels);
        } else {
            int outFrames = produced / width;
            int kept = Math.min(outFrames, shapes.outputLength(samples)); // drop what the padding made
            float[][] channels = new float[width][kept];
            for (int ch = 0; ch < width; ch++) {
                for (int t = 0; t < kept; t++) {
                    channels[ch][t] = y[t * width + ch];
                }
            }
            int rate = (int) ((long) audio.sampleRate() * shapes.outputRate().num() / shapes.outputRate().den());
            try {
                Wav.write(output, new Audio(rate, channels), WavEncoding.FLOAT32);
            } catch (IOException e) {
                throw UserFiles.failure(output, e);
            }
            w.printf("wrote %s (%d samples, %d channel%s)%n", output, kept, width, width == 1 ? "" : "s");
        }
        w.flush();
        return 0;
    }

    /** The network's generated class, compiled in memory, holding the checkpoint's tensors. */
    private Object load(Network network) throws IOException {
        Class<?> type = InMemoryCompiler.networkClass(network, Profiles.load(null), file.getFileName().toString());
        try {
            return type.getMethod("load", Path.class).invoke(null, checkpoint);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IOException io) {
                throw UserFiles.failure(checkpoint, io);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The channels of the network's output audio (of its body: a classifier's are features). */
    private static int width(Network network) {
        return ShapeInference.infer(network).featureChannels();
    }

    /** Class names from the checkpoint's "labels" metadata (comma-separated), if any: one per class. */
    private List<String> labels(Network network, int classes) {
        String s;
        try {
            s = SafeTensors.read(checkpoint).metadata().get("labels");
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
        if (s == null) {
            return List.of();
        }
        List<String> labels = Arrays.asList(s.split(",", -1));
        if (labels.size() != classes) {
            // names that do not line up with the head's outputs would name the wrong classes
            throw new UserError(checkpoint + ": its 'labels' metadata names " + labels.size() + " classes, but network "
                    + network.name() + "'s head has " + classes + " outputs; the labels do not match the head");
        }
        return labels;
    }

    private void printTop(PrintWriter w, float[] z, List<String> labels) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : z) {
            max = Math.max(max, v);
        }
        double sum = 0;
        double[] p = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = Math.exp(z[i] - max);
            sum += p[i];
        }
        Integer[] order = new Integer[z.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Double.compare(p[b], p[a]));
        for (int k = 0; k < Math.min(top, z.length); k++) {
            int i = order[k];
            String name = i < labels.size() ? labels.get(i) : "class " + i;
            w.printf(Locale.ROOT, "%d. %-10s p=%.3f%n", k + 1, name, p[i] / sum);
        }
    }
}
