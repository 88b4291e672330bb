package dev.ssmc.gentests.support;

import dev.ssmc.compiler.ir.Network;
import dev.ssmc.compiler.ir.ShapeInference;
import dev.ssmc.compiler.syntax.importer.ImportedNetworks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The structures the properties draw from, in three families, each compiled once per JVM (one
 * javac run per family) on first use:
 * <ul>
 * <li>{@link #FIXTURE}: the {@code .ssm} files of {@code src/main/ssm} and both examples;</li>
 * <li>{@link #SOURCE}: random {@code .ssm} sources ({@link RandomSources});</li>
 * <li>{@link #IMPORTED}: random reference configs through {@code ImportedNetworks.viaSource}.</li>
 * </ul>
 * Compiling a class costs far more than running it, so the random families are pools of a fixed
 * number of structures made from a pool seed, and each try draws one with fresh weights, inputs
 * and splits. The seed is fixed so that a property's seed ({@code -DQT_SEED}) reproduces a failure; set
 * {@code -Dssmc.gentests.poolSeed=N} (and {@code -Dssmc.gentests.poolSize=N}) to explore other
 * structures. Half of each random pool keeps to streaming-exact norms, half may use any.
 */
public final class Pools {
    public static final String FIXTURE = "fixture";
    public static final String SOURCE = "random-source";
    public static final String IMPORTED = "imported-config";

    static final long POOL_SEED = Long.getLong("ssmc.gentests.poolSeed", 0x55_4D_43L);
    static final int POOL_SIZE = Integer.getInteger("ssmc.gentests.poolSize", 40);

    private static List<Structure> fixtures;
    private static List<Structure> sources;
    private static List<Structure> imported;

    private Pools() {
    }

    public static synchronized List<Structure> fixtures() {
        if (fixtures == null) {
            fixtures = compiled(Fixtures.load());
        }
        return fixtures;
    }

    public static synchronized List<Structure> sources() {
        if (sources == null) {
            List<Structure> out = new ArrayList<>();
            for (int i = 0; i < POOL_SIZE; i++) {
                String name = "Random" + i;
                Random rnd = random(SOURCE, i);
                boolean causal = i % 2 == 0;
                String file = "random" + i + ".ssm";
                String text = RandomSources.network(name, rnd, causal);
                int multiple = Structure.compile("src" + i, SOURCE, file, text).window();
                out.add(Structure.compile("src" + i, SOURCE, file, RandomSources.withPlans(text, multiple, rnd)));
            }
            sources = compiled(out);
        }
        return sources;
    }

    public static synchronized List<Structure> imported() {
        if (imported == null) {
            List<Structure> out = new ArrayList<>();
            for (int i = 0; i < POOL_SIZE; i++) {
                String name = "imported" + i;
                String config = RandomConfigs.config(name, random(IMPORTED, i), i % 2 == 0);
                String where = "random config " + i;
                // the network through the language, as `ssmc golden` builds reference configs; the source for the report
                Network network = ImportedNetworks.viaSource(config, where);
                String source = "// " + config + "\n" + ImportedNetworks.source(config, where);
                out.add(new Structure("imp" + i, IMPORTED, source, network, ShapeInference.infer(network)));
            }
            imported = compiled(out);
        }
        return imported;
    }

    /** The fixture files: every {@code .ssm} file of the fixture directory, then the two examples. */
    public static List<Path> fixtureFiles() {
        return Fixtures.files();
    }

    /** The fixture network named {@code name}. */
    public static Structure fixture(String name) {
        return fixtures().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no fixture network " + name));
    }

    /** Every structure of the three families. */
    public static List<Structure> all() {
        List<Structure> out = new ArrayList<>(fixtures());
        out.addAll(sources());
        out.addAll(imported());
        return out;
    }

    /** Draws from the structures of a pool that pass a filter (a property's precondition, stated once). */
    public static Gen<Structure> of(List<Structure> pool, Predicate<Structure> keep) {
        List<Structure> kept = pool.stream().filter(keep).toList();
        if (kept.isEmpty()) {
            throw new IllegalStateException("no structure of the pool qualifies");
        }
        return Generate.pick(kept);
    }

    private static List<Structure> compiled(List<Structure> pool) {
        GeneratedClasses.prepare(pool);
        return List.copyOf(pool);
    }

    private static Random random(String family, int i) {
        return new Random(POOL_SEED * 1_000_003L + family.hashCode() * 31L + i);
    }

    /** The fixture files: {@code src/main/ssm} and the two examples. */
    static final class Fixtures {
        static List<Structure> load() {
            List<Structure> out = new ArrayList<>();
            for (Path file : files()) {
                String stem = file.getFileName().toString().replaceFirst("\\.ssm$", "");
                try {
                    out.addAll(Structure.compileAll("fx_" + stem, FIXTURE, file.toString(), Files.readString(file)));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return out;
        }

        static List<Path> files() {
            Path dir = Path.of(System.getProperty("ssmc.gentests.fixtures", "src/main/ssm"));
            Path examples = Path.of(System.getProperty("ssmc.gentests.examples", "../examples"));
            List<Path> out = new ArrayList<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.filter(p -> p.toString().endsWith(".ssm")).sorted().forEach(out::add);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list the fixtures in " + dir.toAbsolutePath(), e);
            }
            out.add(examples.resolve("kws/kws.ssm"));
            out.add(examples.resolve("denoise/denoise.ssm"));
            return out;
        }
    }
}
