package dev.ssmc.runtime.model;

import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.io.SafeTensors;
import dev.ssmc.runtime.io.SafeTensorsFile;
import dev.ssmc.runtime.io.SafeTensorsWriter;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Reading and writing a network's stored tensors as safetensors, under the reference's key
 * names, so that checkpoints trained with the reference load without conversion. Reading is
 * strict: every missing, unexpected or differently shaped tensor, and every tensor holding a NaN or
 * an infinity, is reported, each naming its key and shapes ({@code num_batches_tracked}, which
 * nothing reads, is ignored).
 */
public final class Checkpoints {
    private static final String IGNORED_SUFFIX = "num_batches_tracked";

    private Checkpoints() {
    }

    /** A checkpoint that does not fit the network or holds non-finite weights; the message lists every problem. */
    public static final class MismatchException extends IOException {
        private static final long serialVersionUID = 1L;

        public MismatchException(String message) {
            super(message);
        }
    }

    /** The tensors of {@code file} for {@code parameters}, by key (F32; other float types converted). */
    public static Map<String, float[]> load(Path file, List<Parameter> parameters) throws IOException {
        SafeTensorsFile f = SafeTensors.read(file);
        Map<String, float[]> values = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        TreeSet<String> unused = new TreeSet<>(f.names());
        for (Parameter p : parameters) {
            unused.remove(p.key());
            if (!f.contains(p.key())) {
                problems.add("missing tensor '" + p.key() + "' of shape " + Tensor.shapeString(p.shape()));
                continue;
            }
            long[] shape = f.info(p.key()).shape();
            int[] s = new int[shape.length];
            for (int i = 0; i < shape.length; i++) {
                s[i] = (int) shape[i];
            }
            if (!java.util.Arrays.equals(s, p.shape())) {
                problems.add("tensor '" + p.key() + "' has shape " + Tensor.shapeString(s) + " but the network needs "
                        + Tensor.shapeString(p.shape()));
                continue;
            }
            float[] data = f.toF32(p.key()).data();
            String nonFinite = nonFinite(data);
            if (nonFinite != null) {
                // a NaN or infinity spreads through every output: the network would "run" and answer noise
                problems.add("tensor '" + p.key() + "' holds " + nonFinite + "; weights must be finite numbers");
                continue;
            }
            values.put(p.key(), data);
        }
        for (String key : unused) {
            if (!key.endsWith(IGNORED_SUFFIX)) {
                problems.add("unexpected tensor '" + key + "': the network has no such parameter");
            }
        }
        if (!problems.isEmpty()) {
            throw new MismatchException(file + ": the checkpoint cannot be loaded into the network:\n  "
                    + String.join("\n  ", problems));
        }
        return values;
    }

    /** How many values of {@code data} are NaN or infinite and where the first is, or null when none is. */
    private static String nonFinite(float[] data) {
        int first = -1;
        int count = 0;
        for (int i = 0; i < data.length; i++) {
            if (!Float.isFinite(data[i])) {
                count++;
                first = first < 0 ? i : first;
            }
        }
        if (count == 0) {
            return null;
        }
        return count + " non-finite value" + (count == 1 ? "" : "s") + " (the first, at index " + first + ", is "
                + (Float.isNaN(data[first]) ? "NaN" : data[first] > 0 ? "+Inf" : "-Inf") + ")";
    }

    /** Checks that {@code values} holds exactly {@code parameters}, with the right sizes. */
    public static Map<String, float[]> check(Map<String, float[]> values, List<Parameter> parameters, String where) {
        List<String> problems = new ArrayList<>();
        Map<String, float[]> out = new LinkedHashMap<>();
        for (Parameter p : parameters) {
            float[] v = values.get(p.key());
            if (v == null) {
                problems.add("missing tensor '" + p.key() + "' of shape " + Tensor.shapeString(p.shape()));
            } else if (v.length != p.size()) {
                problems.add("tensor '" + p.key() + "' has " + v.length + " values but shape " + Tensor.shapeString(p.shape())
                        + " needs " + p.size());
            } else {
                out.put(p.key(), v);
            }
        }
        for (String k : values.keySet()) {
            if (parameters.stream().noneMatch(p -> p.key().equals(k)) && !isIgnored(k)) {
                problems.add("unexpected tensor '" + k + "': the network has no such parameter");
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(where + ": the tensors do not fit the network:\n  " + String.join("\n  ", problems));
        }
        return out;
    }

    /** Writes the tensors as a safetensors file, with metadata. */
    public static void save(Path file, List<Parameter> parameters, Map<String, float[]> values, Map<String, String> metadata)
            throws IOException {
        SafeTensorsWriter w = new SafeTensorsWriter();
        metadata.forEach(w::metadata);
        for (Parameter p : parameters) {
            w.put(p.key(), Tensor.of(values.get(p.key()), p.shape()));
        }
        w.write(file);
    }

    /**
     * Whether a checkpoint's tensor is bookkeeping that no network reads ({@code num_batches_tracked}):
     * a PyTorch state dict has one per BatchNorm, so every reader of checkpoints skips them.
     */
    public static boolean isIgnored(String key) {
        return key.endsWith(IGNORED_SUFFIX);
    }
}
