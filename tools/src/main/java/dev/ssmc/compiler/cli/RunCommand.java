package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.NetworkShapes;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import dev.ssmc.runtime.train.Alphabet;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ssmc run FILE.ssm --checkpoint C --input in.wav}: compiles the network in memory and streams a WAV through it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Compile a network in memory, load its checkpoint and stream a WAV file through its generated "
                + "stream (newStream()) in the planned chunk, on the calling thread. Then it prints the line "
                + "'IN: S samples (A s of audio) streamed in chunks of C in W s (P s of CPU on the calling thread), "
                + "real-time factor R', R = P / A: the stream's cost on one core, whatever else the machine runs. And:",
            "- a classifier: its top classes (named by the checkpoint's 'labels' metadata when it has them);",
            "- a recognizer (a checkpoint with 'alphabet' metadata, as train writes it): while streaming, each word "
                + "as soon as it is certain, with the time of audio it took; last 'transcript: WORDS', the whole "
                + "utterance's transcript (greedy, or --beam W);",
            "- other networks (a denoiser): write their output audio to --output, as long as the input."})
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

    @Option(names = "--top", paramLabel = "K", description = "Classifier: classes to print (default: ${DEFAULT-VALUE}).")
    int top = 3;

    @Option(names = "--beam", paramLabel = "W", description = "Recognizer: decode by prefix beam search keeping W prefixes "
            + "(those e^8 times less probable than the best are dropped) instead of greedily.")
    Integer beam;

    @Option(names = "--lexicon", paramLabel = "FILE", description = "Recognizer, with --beam: say only the words of FILE"
            + " (one or more a line, or a transcripts.tsv: file, tab, words), such as the training transcripts'.")
    Path lexicon;

    @Option(names = "--warmup", paramLabel = "N", description = "Stream the input N times before the timed pass, so "
            + "that the real-time factor is the JIT-compiled code's (default: ${DEFAULT-VALUE}).")
    int warmup = 0;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (chunk != null && chunk < 1) {
            throw new UserError("--chunk must be at least 1, not " + chunk);
        }
        if (top < 1) {
            throw new UserError("--top must be at least 1, not " + top);
        }
        if (warmup < 0) {
            throw new UserError("--warmup must be at least 0, not " + warmup);
        }
        UserFiles.input(checkpoint, "--checkpoint");
        UserFiles.input(input, "--input");
        if (output != null) {
            UserFiles.output(output, "--output");
        }
        Network network = NetworkChoice.pick(NetworkChoice.compiled(file), file, networkName);
        NetworkShapes shapes = ShapeInference.infer(network);
        SafeTensorsFile metadata = readCheckpoint();
        String alphabet = metadata.metadata().get(TrainingData.Recognition.ALPHABET);
        boolean recognizer = shapes.classes() == 0 && alphabet != null;
        if ((beam != null || lexicon != null) && !recognizer) {
            throw new UserError((beam != null ? "--beam" : "--lexicon") + " is for recognizers (a network without a"
                    + " classifier head whose checkpoint has 'alphabet' metadata); network " + network.name() + " is not one");
        }
        if (recognizer) {
            CtcDecoding.check(beam, lexicon); // before the audio is read
        }
        if (recognizer && output != null) {
            throw new UserError("network " + network.name() + " is a recognizer (its checkpoint has 'alphabet' metadata):"
                    + " it prints what it hears; drop --output");
        }
        if (shapes.classes() == 0 && !recognizer && output == null) {
            throw new UserError("network " + network.name() + " outputs audio: give --output FILE.wav (a recognizer's"
                    + " checkpoint names its symbols in 'alphabet' metadata, as ssmc train writes it)");
        }
        Audio audio = readInput(network);
        int samples = audio.frames();
        if (samples < shapes.minimumLength()) {
            throw new UserError(input + ": " + samples + " samples, shorter than one window of network " + network.name()
                    + "'s resampling (" + shapes.minimumLength() + " samples)");
        }
        // besides the audio as read, it is held frame-major for the stream, and its output as audio
        MemoryNeeds.require(MemoryNeeds.streams(network, 1)
                        + 2L * Float.BYTES * samples * Math.max(network.inChannels(), shapes.featureChannels()),
                MemoryNeeds.describe(network) + " streaming " + input, "run a shorter file");
        PrintWriter w = spec.commandLine().getOut();
        Alphabet letters = recognizer ? recognizerAlphabet(network, shapes, alphabet) : null;
        CtcDecoding decoding = recognizer ? CtcDecoding.of(beam, lexicon, letters) : CtcDecoding.GREEDY;
        List<String> labels = shapes.classes() > 0 ? labels(network, shapes.classes(), metadata) : List.of();
        // a fresh output per pass: warm-up passes print nothing (null)
        Function<PrintWriter, StreamOutput> outputs = live -> shapes.classes() > 0
                ? new StreamOutput.TopClasses(labels, top,
                        input + ": too short for one feature frame of network " + network.name())
                : recognizer ? new StreamOutput.Transcript(letters, decoding, audio.sampleRate(), samples, live)
                : new StreamOutput.AudioFile(output, shapes, samples, audio.sampleRate());
        StreamingNetwork net = (StreamingNetwork) load(network);
        // a network whose skip additions span resampling runs on whole windows: padded with silence, as forward
        // does; so does one that writes audio at the input's rate (AudioFile.paddedInput)
        float[] x = frameMajor(audio, output != null ? StreamOutput.AudioFile.paddedInput(shapes, samples)
                : shapes.paddedLength(samples));
        int cin = network.inChannels();
        int frames = x.length / cin;
        // a chunk longer than the audio is the whole audio: no buffer is sized past what there is
        int step = Math.min(frames, chunk != null ? chunk : Math.max(1, network.planning().chunk()));
        for (int pass = 0; pass < warmup; pass++) {
            StreamOutput.stream(net.newStream(), x, cin, step, outputs.apply(null));
        }
        StreamOutput result = outputs.apply(w);
        StreamOutput.Timing took = StreamOutput.stream(net.newStream(), x, cin, step, result);
        double audioSeconds = samples / (double) audio.sampleRate();
        w.printf(Locale.ROOT, "%s: %d samples (%.2f s of audio) streamed in chunks of %d in %.3f s (%.3f s of CPU on"
                        + " the calling thread), real-time factor %.4f%s%n", input, samples, audioSeconds, step,
                took.wallSeconds(), took.cpuSeconds(), took.cpuSeconds() / audioSeconds,
                warmup == 0 ? "" : " (after " + warmup + " warm-up pass" + (warmup == 1 ? "" : "es") + ")");
        result.report(w);
        w.flush();
        return 0;
    }

    private SafeTensorsFile readCheckpoint() {
        try {
            return SafeTensors.read(checkpoint);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
    }

    /** The input, which must have the network's channels and sample rate. */
    private Audio readInput(Network network) {
        Audio audio;
        try {
            audio = Wav.read(input);
        } catch (IOException e) {
            throw UserFiles.failure(input, e);
        }
        if (audio.channelCount() != network.inChannels()) {
            throw new UserError(input + ": " + audio.channelCount() + " channel(s), but network " + network.name() + " takes "
                    + network.inChannels() + (network.inChannels() == 1 ? " (mix it down first, e.g. sox in.wav -c 1 out.wav)" : ""));
        }
        if (network.sampleRate() > 0 && audio.sampleRate() != network.sampleRate()) {
            throw new UserError(input + ": sampled at " + audio.sampleRate() + " Hz, but network " + network.name()
                    + " expects " + network.sampleRate() + " Hz; resample it first (e.g. sox in.wav -r "
                    + network.sampleRate() + " out.wav)");
        }
        return audio;
    }

    /** The audio frame-major (one time step of every channel after the other), zero-padded to {@code frames}. */
    private static float[] frameMajor(Audio audio, int frames) {
        int cin = audio.channelCount();
        float[] x = new float[cin * frames];
        for (int ch = 0; ch < cin; ch++) {
            float[] samplesOf = audio.channels()[ch];
            for (int t = 0; t < samplesOf.length; t++) {
                x[t * cin + ch] = samplesOf[t];
            }
        }
        return x;
    }

    /** The network's generated class, compiled in memory, holding the checkpoint's tensors. */
    private Object load(Network network) {
        try {
            return Networks.load(network, Profiles.load(null), file.getFileName().toString(), checkpoint);
        } catch (IOException e) {
            throw UserFiles.failure(checkpoint, e);
        }
    }

    /** The checkpoint's alphabet, which must be one and name the network's outputs. */
    private Alphabet recognizerAlphabet(Network network, NetworkShapes shapes, String symbols) {
        Alphabet alphabet;
        try {
            alphabet = Alphabet.fromSymbols(symbols);
        } catch (InvalidInputException e) {
            throw new UserError(checkpoint + ": its 'alphabet' metadata is not an alphabet: " + e.getMessage());
        }
        TrainingData.Recognition.checkRecognizer(network, shapes, alphabet);
        return alphabet;
    }

    /** Class names from the checkpoint's "labels" metadata (comma-separated), if any: one per class. */
    private List<String> labels(Network network, int classes, SafeTensorsFile metadata) {
        String s = metadata.metadata().get(TrainCommand.LABELS);
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
}
