import dev.ssmc.compiler.plan.Profile;
import dev.ssmc.compiler.syntax.check.Frontend;
import dev.ssmc.compiler.train.Networks;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.model.Signal;
import dev.ssmc.runtime.model.Trainable;
import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.train.Batch;
import dev.ssmc.runtime.train.Batches;
import dev.ssmc.runtime.train.ClipSet;
import dev.ssmc.runtime.train.SpeechCommands;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The logits ssmc computes for every item `ssmc eval` sees, with the items' samples, written to a
 * safetensors file, so that another implementation (bench/torch_kws_compare.py) can run the very
 * same inputs and compare logit by logit.
 *
 * <p>Runs the checkpoint as `ssmc eval` does (the generated code, eval mode, batches of 32 of the
 * split's word clips and then its fixed silence items), with the default planning profile (eval's
 * when no `ssmc calibrate` profile exists; a profile changes only the order of float operations).
 *
 * <p>Usage, from the repository (after `./ssmc --help` has built the jar):
 * <pre>
 * java --add-modules jdk.incubator.vector -cp tools/target/ssmc-cli.jar bench/SsmcLogits.java \
 *     NET.ssm CHECKPOINT.safetensors DATA_DIR OUT.safetensors [test|validation|train]
 * </pre>
 * Writes `logits[N, classes]`, `inputs[N, clip length]`, and metadata `items` (one a line, named as
 * `ssmc eval --predictions` names them) and `labels`.
 */
public final class SsmcLogits {
    private static final int BATCH = 32;

    public static void main(String[] args) throws Exception {
        if (args.length < 4) {
            System.err.println("usage: SsmcLogits NET.ssm CHECKPOINT DATA_DIR OUT.safetensors [test|validation|train]");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        Frontend.Compilation c = Frontend.compile(source);
        if (!c.ok()) {
            System.err.println(c.render());
            System.exit(1);
        }
        Trainable net = Networks.load(c.network(), Profile.defaults(), source.getFileName().toString(), Path.of(args[1]));
        SpeechCommands data = SpeechCommands.open(Path.of(args[2]));
        SpeechCommands.Split split = SpeechCommands.Split.valueOf(
                (args.length > 4 ? args[4] : "test").toUpperCase(Locale.ROOT));
        ClipSet set = data.load(split);

        Batches batches = Batches.evaluation(set, BATCH);
        int n = batches.itemCount();
        int classes = data.labels().size();
        int length = set.clipLength();
        float[] logits = new float[n * classes];
        float[] inputs = new float[n * length];
        int at = 0;
        while (batches.hasNext()) {
            Batch b = batches.next();
            System.arraycopy(b.inputs(), 0, inputs, at * length, b.inputs().length);
            Tensor z = net.model().forward(new Signal(b.size(), 1, b.length(), b.inputs())).logits();
            System.arraycopy(z.data(), 0, logits, at * classes, z.data().length);
            at += b.size();
        }
        List<String> items = new ArrayList<>();
        int words = set.clips().size();
        for (int i = 0; i < n; i++) {
            items.add(i < words ? set.clips().get(i).source() : "silence#" + (i - words));
        }
        new SafeTensorsWriter()
                .metadata("items", String.join("\n", items))
                .metadata("labels", String.join(",", data.labels()))
                .put("logits", Tensor.of(logits, n, classes))
                .put("inputs", Tensor.of(inputs, n, length))
                .write(Path.of(args[3]));
        System.out.printf(Locale.ROOT, "wrote %s: logits of %d items (%d word clips, %d silence)%n",
                args[3], n, words, n - words);
    }
}
