package dev.ssmc.compiler.cli;

import static dev.ssmc.compiler.cli.CliFixture.run;
import static dev.ssmc.compiler.cli.CliFixture.s;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.integers;

import dev.ssmc.compiler.cli.CliFixture.Run;
import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.runtime.io.Audio;
import dev.ssmc.runtime.io.Wav;
import dev.ssmc.runtime.io.WavEncoding;
import dev.ssmc.runtime.kernels.KernelMeter;
import dev.ssmc.runtime.testing.Property;
import dev.ssmc.runtime.testing.SharedData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quicktheories.core.Gen;

/**
 * Every command, driven with random values of every option: valid ones, the boundaries (0, -1),
 * values that overflow or are not numbers at all (NaN, Infinity, 2^31), and files that are missing,
 * directories, corrupt or of the wrong kind. Whatever the values, the status is 0, or 1 with one
 * error line (or, for golden and fmt --check, a finding); never an internal error.
 *
 * <p>Values that are valid but only make a command work longer (a million epochs, an hour of
 * timing) are not drawn, so that every try takes a second or two; work options that default to
 * seconds of timing are always given, from small and invalid values.
 */
class OptionPropertyTest {
    /** A value that leaves the option out. */
    private static final String ABSENT = null;
    /** A flag's value: the option is given, without a value (compared by identity, so "" stays a value). */
    @SuppressWarnings("StringOperationCanBeSimplified")
    private static final String FLAG = new String("(flag)");
    /** Paths resolved anew for every try: a file not there yet, an empty directory, a file in a directory that is not there. */
    private static final String NEW = "@new";
    private static final String EMPTY_DIR = "@dir";
    private static final String IN_MISSING_DIR = "@missing/out";

    private static final int TRIES = 15;

    @TempDir
    static Path tmp;

    private static CliFixture f;
    private static Inputs files;

    /** One option: its name ("" for a positional parameter) and the values drawn for it, a valid or default one first. */
    private record Option(String name, List<String> values) {
        static Option of(String name, String... values) {
            return new Option(name, Arrays.asList(values));
        }
    }

    /** What a try runs: the command's words and its options' values. */
    private record Invocation(List<String> args) {
    }

    /** The files the options draw from, made once ({@code dir}: an empty directory; {@code sources}: one of .ssm files). */
    private record Inputs(String twoNetworks, String broken, String latin1, String big, String wide, String trained,
                          String inf, String labels2, String torn, String garbage, String missing, String dir,
                          String sources, String aFile, String wav44k, String stereo, String noSamples, String floatWav,
                          String corruptData, String emptyDir, String golden, String layerConfig, String profile,
                          String recording, String pairs, String speech) {
    }

    @BeforeAll
    static void fixture() throws IOException {
        // loaded now, with its meter off: --kernels then fails as a user error instead of turning the
        // meter on for every later test in this JVM
        assertTrue(!KernelMeter.ON || Boolean.getBoolean("ssmc.meter"));
        f = CliFixture.make(tmp.resolve("fixture"));
        Path d = Files.createDirectories(tmp.resolve("files"));
        Path two = write(d.resolve("two.ssm"), "network A {\n  input a: 1 channel @ 16 kHz\n  s5(states 2)\n}\n"
                + "network B {\n  input a: 1 channel @ 16 kHz\n  dws(states 2)\n}\n");
        Path sources = Files.createDirectories(d.resolve("sources"));
        Files.copy(f.classifier, sources.resolve("tiny.ssm"));
        Files.copy(f.denoiser, sources.resolve("den.ssm"));
        Path broken = write(d.resolve("broken.ssm"), "network N { input a: 1 channel\n s6(states 2)\n}\n");
        Path latin1 = d.resolve("latin1.ssm");
        Files.write(latin1, "// caf\u00e9\n".getBytes("ISO-8859-1"));
        Path big = write(d.resolve("big.ssm"), "network Big {\n  input a: 1 channel @ 16 kHz\n  full(states 10000) to 10000\n}\n");
        Path wide = write(d.resolve("wide.ssm"), CliFixture.CLASSIFIER.replace("s5(states 2) to 4", "s5(states 2) to 100000"));
        Path runDir = d.resolve("trained");
        run("train", f.classifier.toString(), "--data", f.data.toString(), "--epochs", "1", "--warmup", "0", "-o",
                runDir.toString(), "--no-progress").assertOk();
        byte[] ck = Files.readAllBytes(f.checkpoint);
        Path torn = d.resolve("torn.safetensors");
        Files.write(torn, Arrays.copyOf(ck, ck.length / 2));
        Path inf = f.changedCheckpoint(d.resolve("inf.safetensors"), "classifier.1.0.bias", b -> {
            b[0] = Float.POSITIVE_INFINITY;
            return b;
        }, Map.of());
        Path labels2 = f.changedCheckpoint(d.resolve("labels2.safetensors"), "", b -> b, Map.of("labels", "yes,no"));
        Path garbage = write(d.resolve("garbage.bin"), "garbage, not a checkpoint, WAV, profile or config");
        Path wav44k = d.resolve("44k.wav");
        Wav.write(wav44k, Audio.mono(44100, CliFixture.tone(4410, 2)), WavEncoding.PCM16);
        Path stereo = d.resolve("stereo.wav");
        Wav.write(stereo, new Audio(16000, new float[][] {CliFixture.tone(1600, 1), CliFixture.tone(1600, 2)}),
                WavEncoding.PCM16);
        Path noSamples = d.resolve("empty.wav");
        Wav.write(noSamples, Audio.mono(16000, new float[0]), WavEncoding.PCM16);
        Path floatWav = d.resolve("float.wav");
        Wav.write(floatWav, Audio.mono(16000, CliFixture.tone(2000, 3)), WavEncoding.FLOAT32);
        Path corruptData = d.resolve("corrupt-data");
        BadInputTest.copyTree(f.data, corruptData);
        Files.writeString(corruptData.resolve("no/c0_nohash_0.wav"), "torn");
        Path emptyDir = Files.createDirectories(d.resolve("empty"));
        Path golden = Files.createDirectories(d.resolve("golden"));
        Files.copy(SharedData.golden().resolve("layer_dws_small.safetensors"), golden.resolve("layer_dws_small.safetensors"));
        Files.writeString(golden.resolve("b_corrupt.safetensors"), "corrupt");
        Path profile = write(d.resolve("profile.json"), Profile.defaults().toJson());
        Path recording = d.resolve("times.tsv");
        run("bench", "plans", "--shapes", "1", "--budget", "0.001", "--runs", "1", "--candidates", "1", "--record",
                recording.toString()).assertOk();
        // the two other tasks' evaluation layouts: noisy/clean pairs, transcribed utterances
        Path pairs = d.resolve("pairs");
        for (String kind : List.of("noisy", "clean")) {
            Wav.write(Files.createDirectories(pairs.resolve("test").resolve(kind)).resolve("p.wav"),
                    Audio.mono(16000, CliFixture.tone(1600, kind.length())), WavEncoding.PCM16);
        }
        Path speech = d.resolve("speech");
        CliFixture.transcribed(speech.resolve("train"), 0, 2);
        CliFixture.transcribed(speech.resolve("test"), 10, 2);
        files = new Inputs(s(two), s(broken), s(latin1), s(big), s(wide), s(runDir.resolve("epoch-001.safetensors")),
                s(inf), s(labels2), s(torn), s(garbage), s(d.resolve("missing")), s(emptyDir), s(sources), s(garbage),
                s(wav44k), s(stereo),
                s(noSamples), s(floatWav), s(corruptData), s(emptyDir), s(golden),
                s(SharedData.golden().resolve("layer_dws_small.safetensors")), s(profile), s(recording), s(pairs),
                s(speech));
    }

    private static Path write(Path p, String text) throws IOException {
        Files.writeString(p, text);
        return p;
    }

    // ---- the commands and their options ----

    private static String[] ssm(String... more) {
        List<String> v = new ArrayList<>(List.of(s(f.classifier), s(f.denoiser), files.twoNetworks, files.broken,
                files.latin1, files.missing, files.dir));
        v.addAll(List.of(more));
        return v.toArray(String[]::new);
    }

    private static String[] checkpoints() {
        return new String[] {s(f.checkpoint), s(f.denoiserCheckpoint), files.trained, files.inf, files.labels2, files.torn,
                files.garbage, files.missing, files.dir};
    }

    private static String[] profiles() {
        return new String[] {ABSENT, files.profile, files.garbage, files.missing, files.dir};
    }

    private static final String[] INTS = {"1", "2", "0", "-1", "2147483647", "99999999999", "x"};

    @Test
    void check() {
        forAll(List.of("check"), Option.of("", ssm(files.big)));
    }

    @Test
    void fmt() {
        // copies: --write rewrites the file
        forAll(List.of("fmt"), Option.of("", Arrays.stream(ssm()).map(p -> "@copy:" + p).toArray(String[]::new)),
                Option.of("--write", ABSENT, FLAG), Option.of("--check", ABSENT, FLAG));
    }

    @Test
    void importConfigs() {
        forAll(List.of("import"),
                Option.of("--config", files.layerConfig, s(f.classifier), files.garbage, files.missing, files.dir),
                Option.of("--checkpoint", ABSENT, files.layerConfig, s(f.checkpoint), files.torn, files.missing, files.dir),
                Option.of("-o", ABSENT, NEW + ".ssm", EMPTY_DIR, IN_MISSING_DIR));
    }

    @Test
    void golden() {
        forAll(List.of("golden"), Option.of("", files.golden, files.emptyDir, files.missing, files.aFile),
                Option.of("--engine", "oracle", "plan", "oracle,plan", "generated", "bogus", "", "oracle,oracle"));
    }

    @Test
    void path() {
        forAll(List.of("path"),
                Option.of("", "ab,bc->ac", "bct,nc,dn->bdt", "", "a,b", "->", "ab->c", "aa,b->a", "ab,bc->ac,",
                        String.join(",", "ab bc cd de ef fg gh hi ij jk kl lm mn no op pq qr".split(" ")) + "->ar"),
                Option.of("--sizes", "a=2,b=3,c=4,d=2,n=4,t=16", "", "a=-1", "a=x", "a=99999999999999999999",
                        "a=2147483647,b=2147483647,c=2147483647", "a"));
    }

    @Test
    void explain() {
        forAll(List.of("explain"), Option.of("", ssm()), Option.of("--json", ABSENT, FLAG),
                Option.of("--measured", ABSENT, "1", "0", "-1", "x"), Option.of("--profile", profiles()));
    }

    @Test
    void calibrate() {
        // -o is always given: without it, calibrate writes ~/.ssmc/profile.json, the machine's profile
        forAll(List.of("calibrate"), Option.of("-o", NEW + ".json", EMPTY_DIR, IN_MISSING_DIR, files.dir),
                Option.of("--seconds", "0.0005", "0", "-1", "NaN", "Infinity", "61", "x"));
    }

    @Test
    void bench() {
        forAll(List.of("bench"), Option.of("", ABSENT, s(f.classifier), s(f.denoiser), files.twoNetworks, files.missing),
                Option.of("--network", ABSENT, "Tiny", "Nope"),
                Option.of("--mode", ABSENT, "s5", "dws", "full", "neck", "bogus"),
                Option.of("--pass", ABSENT, "forward", "train", "stream", "bogus"),
                Option.of("--batch", ABSENT, "1", "2", "0", "-1", "100000", "2147483647"),
                Option.of("--in", ABSENT, "1", "3", "0", "-1", "1048576"),
                Option.of("--out", ABSENT, "2", "0", "1048576"),
                Option.of("--states", ABSENT, "1", "2", "0", "-1", "1048576"),
                Option.of("--blocks", ABSENT, "1", "2", "0", "-1"),
                Option.of("--length", ABSENT, "16", "160", "0", "-1", "1073741824"),
                Option.of("--chunk", ABSENT, "1", "16", "0", "-1", "7"),
                Option.of("--warmup", "0", "0.001", "-1", "NaN", "Infinity"),
                Option.of("--warmup-runs", "0", "1", "-1"),
                Option.of("--runs", "1", "2", "0", "-1"),
                Option.of("--time", "0", "-1", "NaN", "Infinity"),
                Option.of("--seed", ABSENT, "-5", "x"),
                Option.of("--profile", profiles()),
                Option.of("--kernels", ABSENT, FLAG));
    }

    @Test
    void benchPlans() {
        forAll(List.of("bench", "plans"), Option.of("--shapes", "1", "0", "-1"), Option.of("--seed", ABSENT, "3"),
                Option.of("--budget", "0.001", "0", "-1", "NaN"), Option.of("--runs", "1", "0", "-1"),
                Option.of("--profile", profiles()), Option.of("--candidates", "1", "0", "-1"),
                Option.of("--record", ABSENT, NEW + ".tsv", EMPTY_DIR, IN_MISSING_DIR),
                Option.of("--replay", ABSENT, files.recording, files.garbage, files.missing, files.dir));
    }

    @Test
    void benchPeak() {
        forAll(List.of("bench", "peak"), Option.of("--threads", "1", "2", "0", "-1", "5000", "x"),
                Option.of("--time", "0.01", "0", "-1", "NaN", "Infinity"));
    }

    @Test
    void benchStreams() {
        forAll(List.of("bench", "streams"), Option.of("", s(f.classifier), s(f.denoiser), files.twoNetworks, files.big,
                        files.missing), Option.of("--network", ABSENT, "Tiny", "Den", "Nope"),
                Option.of("--count", "1", "3", "0", "-1", "2000000000"),
                Option.of("--chunk", ABSENT, "1", "16", "0", "-1", "2147483647"),
                Option.of("--time", "0", "0.01", "-1", "NaN", "Infinity"), Option.of("--seed", ABSENT, "9"));
    }

    @Test
    void compile() {
        forAll(List.of("compile"), Option.of("", ssm(files.sources)), Option.of("-o", NEW, EMPTY_DIR, IN_MISSING_DIR, files.aFile),
                Option.of("--package", ABSENT, "my.app", "1bad", "", "a..b", "class"),
                Option.of("--profile", profiles()), Option.of("--force", ABSENT, FLAG));
    }

    @Test
    void runCommand() {
        forAll(List.of("run"), Option.of("", s(f.classifier), s(f.denoiser), files.twoNetworks, files.missing),
                Option.of("--network", ABSENT, "Tiny", "Den", "Nope"), Option.of("--checkpoint", checkpoints()),
                Option.of("--input", s(f.wav), files.wav44k, files.stereo, files.noSamples, files.floatWav, files.garbage,
                        files.missing, files.dir),
                Option.of("--output", ABSENT, NEW + ".wav", EMPTY_DIR, IN_MISSING_DIR),
                Option.of("--chunk", ABSENT, "1", "7", "0", "-1", "2147483647"),
                Option.of("--top", ABSENT, "1", "100", "0", "-1"),
                Option.of("--beam", ABSENT, "2", "0", "-1"),
                Option.of("--warmup", ABSENT, "1", "-1", "x"));
    }

    @Test
    void init() {
        forAll(List.of("init"), Option.of("", s(f.classifier), s(f.denoiser), files.twoNetworks, files.big, files.broken,
                        files.missing), Option.of("--seed", ABSENT, "7", "-1", "9223372036854775807", "x"),
                Option.of("-o", NEW + ".safetensors", EMPTY_DIR, IN_MISSING_DIR));
    }

    @Test
    void train() {
        forAll(List.of("train"), Option.of("", s(f.classifier), s(f.denoiser), files.wide, files.missing),
                Option.of("--data", s(f.data), files.corruptData, files.emptyDir, files.aFile, files.missing),
                Option.of("--epochs", "1", "2", "0", "-1", "x"),
                Option.of("--batch", ABSENT, "1", "4", "0", "-1", "100000", "2147483647"),
                Option.of("--lr", ABSENT, "0.01", "0", "-1", "NaN", "Infinity", "1e300"),
                Option.of("--schedule", ABSENT, "onecycle", "bogus"),
                Option.of("--warmup", ABSENT, "0", "1", "-1", "2147483647"),
                Option.of("--clip", ABSENT, "0", "1", "-1", "NaN", "Infinity"),
                Option.of("--weight-decay", ABSENT, "0", "-1", "NaN", "Infinity"),
                Option.of("--seed", ABSENT, "3"),
                Option.of("--resume", ABSENT, files.trained, s(f.checkpoint), files.inf, files.torn, files.missing, files.dir),
                Option.of("-o", NEW, EMPTY_DIR, IN_MISSING_DIR, files.aFile),
                Option.of("--no-progress", FLAG));
    }

    @Test
    void eval() {
        forAll(List.of("eval"), Option.of("", s(f.classifier), s(f.denoiser), files.wide, files.missing),
                Option.of("--checkpoint", checkpoints()),
                Option.of("--data", s(f.data), files.pairs, files.speech, files.corruptData, files.emptyDir, files.aFile,
                        files.missing),
                Option.of("--task", ABSENT, "classify", "enhance", "recognize", "bogus"),
                Option.of("--split", ABSENT, "validation", "train", "all", "bogus", ""),
                Option.of("--batch", INTS),
                Option.of("--beam", ABSENT, "2", "0", "-1"),
                Option.of("--plots", ABSENT, NEW, files.aFile),
                Option.of("--plot-count", ABSENT, "1", "0", "x"));
    }

    // ---- the property ----

    private void forAll(List<String> command, Option... options) {
        Gen<Invocation> invocations = in -> {
            List<String> args = new ArrayList<>(command);
            // how often an option leaves its first value: rarely, so that most tries get past the
            // checks of the other options and reach the one at fault; or always
            int percent = List.of(10, 30, 100).get(integers().between(0, 2).generate(in));
            for (Option o : options) {
                boolean other = integers().between(0, 99).generate(in) < percent;
                String value = o.values().get(other ? integers().between(0, o.values().size() - 1).generate(in) : 0);
                if (value == ABSENT) {
                    continue;
                }
                if (!o.name().isEmpty()) {
                    args.add(o.name());
                }
                if (value != FLAG || o.name().isEmpty()) {
                    args.add(value);
                }
            }
            return new Invocation(args);
        };
        Property.forAll(TRIES, invocations, this::statusIsZeroOrOneErrorLine);
    }

    private void statusIsZeroOrOneErrorLine(Invocation invocation) throws IOException {
        Path work = Files.createTempDirectory(tmp, "try");
        List<String> args = new ArrayList<>();
        for (String a : invocation.args()) {
            args.add(resolve(a, work));
        }
        Run r = run(args.toArray(String[]::new));
        assertTrue(r.status() == 0 || r.status() == 1, r::toString);
        r.assertNoInternalError();
        if (r.status() == 1 && !isFinding(r)) {
            // one line of ssmc's own, or the diagnostics of the sources (a directory of them may have many)
            long own = r.err().lines().filter(l -> l.matches("ssmc( [a-z]+)*: error: .+")).count();
            long diagnostics = r.err().lines().filter(l -> CliFixture.ERROR_LINE.matcher(l).matches()).count() - own;
            assertTrue(own == 1 && diagnostics == 0 || own == 0 && diagnostics >= 1, () -> "one error line: " + r);
        }
    }

    /** Status 1 that reports what was checked, not a mistake: a golden file that failed, a file fmt would change. */
    private static boolean isFinding(Run r) {
        return r.out().lines().anyMatch(l -> l.matches("\\d+ passed, [1-9]\\d* failed"))
                || r.err().contains("not in canonical form");
    }

    private static String resolve(String arg, Path work) throws IOException {
        if (arg.startsWith(NEW)) {
            return s(work.resolve("new" + arg.substring(NEW.length())));
        }
        if (arg.equals(EMPTY_DIR)) {
            return s(Files.createDirectories(work.resolve("dir")));
        }
        if (arg.equals(IN_MISSING_DIR)) {
            return s(work.resolve("missing/out"));
        }
        if (arg.startsWith("@copy:")) {
            Path from = Path.of(arg.substring("@copy:".length()));
            Path to = work.resolve(from.getFileName());
            if (Files.isRegularFile(from)) {
                Files.copy(from, to);
                return s(to);
            }
            return s(from);
        }
        return arg;
    }
}
