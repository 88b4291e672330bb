package dev.ssmc.gentests.support;

import com.google.gson.JsonObject;
import java.util.Random;

/**
 * Random constructor configs of the reference's modules (one {@code SSMLayer}, the classifier
 * {@code Centaurus}, the denoiser {@code CentaurusSE}), as {@code ssmc import} reads them. They
 * reach the tests through {@code ImportedNetworks.viaSource}: config, generated {@code .ssm}
 * source, front end. The configs are assembled by the compiler's test helpers ({@code
 * dev.ssmc.compiler.RandomConfigs}, whose own generators keep to causal norms); the choices here
 * add the norms over time and every postact.
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
        return dev.ssmc.compiler.RandomConfigs.layer(mode, cin, cout, 1 + rnd.nextInt(4), 1 + rnd.nextInt(3), acts, norm,
                postact);
    }

    static JsonObject classifier(Random rnd, boolean causal) {
        String[] pools = {"downsampling", "downsampling_with_bias", "average", "subsampling", "downsampling_dw"};
        String pool = pools[rnd.nextInt(pools.length)];
        int depth = 1 + rnd.nextInt(3);
        String norm = norm(rnd, causal, false);
        JsonObject k = dev.ssmc.compiler.RandomConfigs.classifier(rnd, depth, pool, norm.equals("group"));
        k.addProperty("norm", norm);
        k.addProperty("postact", RandomSources.PLAIN_ACTS[rnd.nextInt(RandomSources.PLAIN_ACTS.length)]);
        return k;
    }

    static JsonObject denoiser(Random rnd, boolean causal) {
        String[] pools = {"downsampling", "downsampling_with_bias", "downshaping", "average"};
        String pool = pools[rnd.nextInt(pools.length)];
        JsonObject k = dev.ssmc.compiler.RandomConfigs.denoiser(rnd, 1 + rnd.nextInt(2), pool);
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
