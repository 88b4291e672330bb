package dev.ssmc.compiler.syntax.importer;

import com.google.gson.JsonObject;
import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.reference.ConfigException;
import dev.ssmc.compiler.reference.ConfigReader;
import dev.ssmc.compiler.reference.ReferenceNetworks;
import dev.ssmc.compiler.syntax.Formatter;
import dev.ssmc.compiler.syntax.check.Frontend;

/**
 * Reference constructor configs to {@code .ssm} source, and networks built through that source.
 *
 * <p>A config is any of: a golden file's whole config ({@code network} + {@code kwargs}), the
 * {@code kwargs} of the classifier (it has {@code num_classes}) or of the denoiser, or one layer's
 * config ({@code mode}, {@code in_channels}, {@code out_channels}, ...). The reference's builder
 * ({@link ReferenceNetworks}) gives the IR; {@link SsmWriter} writes it as source.
 */
public final class ImportedNetworks {
    private ImportedNetworks() {
    }

    /**
     * The network the reference builds from {@code configJson}, named by the config's {@code name}
     * or else after the reference's class ({@code Centaurus}, {@code CentaurusSE}, {@code SSMLayer});
     * {@link ConfigException} when the config is not valid.
     */
    public static Network reference(String configJson, String where) {
        JsonObject json = ConfigReader.parse(configJson, where);
        if (json.has("network")) {
            return ReferenceNetworks.fromGoldenConfig(configJson, where);
        }
        if (json.has("out_channels")) {
            return ReferenceNetworks.layer(json, nameOr(json, ReferenceNetworks.LAYER), where);
        }
        if (json.has("num_classes")) {
            return ReferenceNetworks.network(ReferenceNetworks.CLASSIFIER, json, nameOr(json, ReferenceNetworks.CLASSIFIER),
                    where);
        }
        if (json.has("channels")) {
            return ReferenceNetworks.network(ReferenceNetworks.DENOISER, json, nameOr(json, ReferenceNetworks.DENOISER),
                    where);
        }
        throw new ConfigException(where + ": not a reference config: expected a golden config (`network`, `kwargs`), the"
                + " kwargs of Centaurus (with `num_classes`) or CentaurusSE (with `channels`), or a layer config (with"
                + " `out_channels`)");
    }

    /** The reference class a config builds: {@code Centaurus}, {@code CentaurusSE} or {@code SSMLayer}. */
    public static String referenceClass(String configJson, String where) {
        JsonObject json = ConfigReader.parse(configJson, where);
        if (json.has("network") && json.get("network").isJsonPrimitive()) {
            return json.get("network").getAsString();
        }
        return json.has("num_classes") ? ReferenceNetworks.CLASSIFIER
                : json.has("channels") ? ReferenceNetworks.DENOISER : ReferenceNetworks.LAYER;
    }

    /** The {@code .ssm} source of the network a config describes, in canonical form. */
    public static String source(String configJson, String where) {
        return source(reference(configJson, where));
    }

    /** The {@code .ssm} source of a network in the IR, in canonical form. */
    public static String source(Network network) {
        return Formatter.format(SsmWriter.write(network));
    }

    /**
     * The network of a config, built by writing its {@code .ssm} source and compiling that source:
     * what {@code ssmc golden} runs, so every golden network goes through the language. A generated
     * source that does not compile is a bug of ssmc ({@link IllegalStateException}).
     */
    public static Network viaSource(String configJson, String where) {
        String text = source(configJson, where);
        Frontend.Compilation c = Frontend.compile(where + " (generated .ssm)", text);
        if (!c.ok()) {
            throw new IllegalStateException("the .ssm source generated for " + where + " does not compile:\n" + c.render()
                    + "\n--- source ---\n" + text);
        }
        return c.network();
    }

    private static String nameOr(JsonObject json, String fallback) {
        return json.has("name") && json.get("name").isJsonPrimitive() ? json.get("name").getAsString() : fallback;
    }
}
