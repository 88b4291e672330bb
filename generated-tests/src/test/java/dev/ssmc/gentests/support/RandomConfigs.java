package dev.ssmc.gentests.support;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Random;

/**
 * Random constructor configs of the reference's modules (one {@code SSMLayer}, the classifier
 * {@code Centaurus}, the denoiser {@code CentaurusSE}), as {@code ssmc import} reads them. They
 * reach the tests through {@code ImportedNetworks.viaSource}: config, generated {@code .ssm}
 * source, front end.
 */
public final class RandomConfigs {
    private static final String[] ALL_ACTS = {"identity", "relu", "relu6", "lelu", "sigmoid", "tanh", "gelu", "glu", "silu"};

    private RandomConfigs() {
    }

    /** A config named {@code name}: a layer, a classifier or a denoiser; {@code causal} keeps to streaming-exact norms. */
    public static String config(String name, Random rnd, boolean causal) {
        JsonObject c = switch (rnd.nextInt(3)) {
            case 0 -> layer(rnd, causal);
            case 1 -> classifier(rnd, causal);
            default -> denoiser(rnd, causal);
        };
        c.addProperty("name", name);
        return c.toString();
    }

    static JsonObject layer(Random rnd, boolean causal) {
        String mode = RandomSources.MODES[rnd.nextInt(4)];
        String norm = norm(rnd, causal, true);
        String postact = ALL_ACTS[rnd.nextInt(ALL_ACTS.length)];
        boolean acts = rnd.nextInt(4) != 0;
        int cin = 1 + rnd.nextInt(4);
        int cout = 1 + rnd.nextInt(4);
        if (postact.equals("glu")) {
            cin *= 2;
            cout *= 2;
        }
        if (norm.equals("group")) {
            cin = 4 * (1 + rnd.nextInt(2));
            cout = 4 * (1 + rnd.nextInt(2));
        }
        if (norm.equals("layer") && mode.equals("dws")) {
            cout = cin; // LayerNorm over time: both of a dws layer's activations see the input's length
        }
        JsonObject c = new JsonObject();
        c.addProperty("mode", mode);
        c.addProperty("in_channels", cin);
        c.addProperty("out_channels", cout);
        c.addProperty("num_states", 1 + rnd.nextInt(4));
        c.addProperty("state_blocks", 1 + rnd.nextInt(3));
        c.addProperty("use_activations", acts);
        c.addProperty("norm", norm);
        c.addProperty("postact", postact);
        return c;
    }

    static JsonObject classifier(Random rnd, boolean causal) {
        String[] pools = {"downsampling", "downsampling_with_bias", "average", "subsampling", "downsampling_dw"};
        String pool = pools[rnd.nextInt(pools.length)];
        int depth = 1 + rnd.nextInt(3);
        JsonObject k = new JsonObject();
        boolean sameWidth = !pool.startsWith("downsampling") || pool.equals("downsampling_dw");
        String norm = norm(rnd, causal, false);
        int width = norm.equals("group") ? 4 : 2 + rnd.nextInt(3);
        k.addProperty("in_channels", sameWidth || norm.equals("group") ? width : 1 + rnd.nextInt(2));
        k.addProperty("num_classes", 2 + rnd.nextInt(4));
        JsonArray channels = new JsonArray();
        JsonArray states = new JsonArray();
        JsonArray blocks = new JsonArray();
        JsonArray modes = new JsonArray();
        JsonArray ratios = new JsonArray();
        JsonArray skip = new JsonArray();
        for (int i = 0; i < depth; i++) {
            channels.add(sameWidth || norm.equals("group") ? width : 2 + rnd.nextInt(4));
            states.add(1 + rnd.nextInt(3));
            blocks.add(1 + rnd.nextInt(2));
            modes.add(RandomSources.MODES[rnd.nextInt(4)]);
            ratios.add(1 + rnd.nextInt(3));
            skip.add(rnd.nextBoolean());
        }
        k.add("channels", channels);
        k.add("num_states", states);
        k.add("state_blocks", blocks);
        k.add("mode", modes);
        k.add("downsample", ratios);
        k.add("skip", skip);
        k.addProperty("downsample_mode", pool);
        k.addProperty("norm", norm);
        k.addProperty("postact", RandomSources.PLAIN_ACTS[rnd.nextInt(RandomSources.PLAIN_ACTS.length)]);
        return k;
    }

    static JsonObject denoiser(Random rnd, boolean causal) {
        String[] pools = {"downsampling", "downsampling_with_bias", "downshaping", "average"};
        String pool = pools[rnd.nextInt(pools.length)];
        int depth = 1 + rnd.nextInt(2);
        JsonObject k = new JsonObject();
        int in = 1 + rnd.nextInt(2);
        k.addProperty("in_channels", in);
        JsonArray channels = new JsonArray();
        JsonArray states = new JsonArray();
        JsonArray blocks = new JsonArray();
        JsonArray modes = new JsonArray();
        JsonArray ratios = new JsonArray();
        int width = in;
        for (int i = 0; i < depth; i++) {
            int r = 2 + rnd.nextInt(2);
            width = switch (pool) {
                case "downshaping" -> width * r;
                case "average" -> width;
                default -> 2 + rnd.nextInt(4);
            };
            channels.add(width);
            states.add(1 + rnd.nextInt(3));
            blocks.add(1 + rnd.nextInt(2));
            modes.add(RandomSources.MODES[rnd.nextInt(4)]);
            ratios.add(r);
        }
        k.add("channels", channels);
        k.add("num_states", states);
        k.add("state_blocks", blocks);
        k.add("mode", modes);
        k.add("downsample", ratios);
        k.addProperty("downsample_mode", pool);
        // the input width (1 or 2) is normalized too, so no group norm here
        k.addProperty("norm", causal || rnd.nextBoolean() ? RandomSources.CAUSAL_NORMS[rnd.nextInt(4)] : "instance");
        k.addProperty("postact", RandomSources.PLAIN_ACTS[rnd.nextInt(RandomSources.PLAIN_ACTS.length)]);
        return k;
    }

    private static String norm(Random rnd, boolean causal, boolean layerToo) {
        if (!causal && rnd.nextBoolean()) {
            String[] time = layerToo ? new String[] {"layer", "group", "instance"} : new String[] {"group", "instance"};
            return time[rnd.nextInt(time.length)];
        }
        return RandomSources.CAUSAL_NORMS[rnd.nextInt(4)];
    }
}
