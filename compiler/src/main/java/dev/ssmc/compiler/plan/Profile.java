package dev.ssmc.compiler.plan;

import dev.ssmc.compiler.ir.Names;
import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.io.InvalidInputException;
import dev.ssmc.runtime.io.Json;
import dev.ssmc.runtime.io.JsonSyntaxException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * How fast this machine runs each kind of step: the calibration the cost model turns work into
 * seconds with. {@code ssmc calibrate} measures it; a default measured on a 2-core x86-64
 * machine ships in the jar.
 *
 * @param flopsPerSecond  sustained floating-point operations per second of each {@link StepKind}
 * @param bytesPerSecond  memory bandwidth for intermediates that do not stay in cache
 * @param stepOverhead    fixed seconds per step (a kernel call, a loop nest set up)
 * @param cacheBytes      intermediates smaller than this are taken to stay in cache
 * @param machine         a description of where it was measured
 */
public record Profile(Map<StepKind, Double> flopsPerSecond, double bytesPerSecond, double stepOverhead,
                      double cacheBytes, String machine) {

    private static final String DEFAULT_RESOURCE = "default-profile.json";

    public Profile {
        flopsPerSecond = Map.copyOf(flopsPerSecond);
        for (StepKind k : StepKind.values()) {
            Double v = flopsPerSecond.get(k);
            if (v == null || !(v > 0)) {
                throw new InvalidInputException("profile has no positive speed for " + k);
            }
        }
        if (!(bytesPerSecond > 0) || !(stepOverhead >= 0) || !(cacheBytes >= 0)) {
            throw new InvalidInputException("profile speeds must be positive");
        }
    }

    public double speed(StepKind kind) {
        return flopsPerSecond.get(kind);
    }

    /** The profile that ships with ssmc. */
    public static Profile defaults() {
        try (InputStream in = Profile.class.getResourceAsStream(DEFAULT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the default profile " + DEFAULT_RESOURCE + " is missing from the jar");
            }
            return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), DEFAULT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Profile read(Path file) throws IOException {
        return fromJson(Files.readString(file), file.toString());
    }

    /** Writes the profile whole (see {@link AtomicFile}): an interrupted calibration keeps the old one. */
    public void write(Path file) throws IOException {
        AtomicFile.writeString(file, toJson() + "\n");
    }

    /**
     * The on-disk form: an object of {@code flopsPerSecond} (numbers keyed by kind name, sorted),
     * {@code bytesPerSecond}, {@code stepOverhead}, {@code cacheBytes} and {@code machine}, indented.
     */
    public String toJson() {
        Map<String, Json> speeds = new TreeMap<>();
        flopsPerSecond.forEach((k, v) -> speeds.put(k.name(), Json.Num.of(v)));
        Map<String, Json> json = new LinkedHashMap<>();
        json.put("flopsPerSecond", new Json.Obj(speeds));
        json.put("bytesPerSecond", Json.Num.of(bytesPerSecond));
        json.put("stepOverhead", Json.Num.of(stepOverhead));
        json.put("cacheBytes", Json.Num.of(cacheBytes));
        json.put("machine", new Json.Str(machine));
        return new Json.Obj(json).pretty();
    }

    static Profile fromJson(String json, String where) {
        try {
            if (!(Json.parse(json) instanceof Json.Obj stored
                    && stored.get("flopsPerSecond") instanceof Json.Obj speeds)) {
                throw new InvalidInputException(where + ": not a calibration profile (no flopsPerSecond)");
            }
            Map<StepKind, Double> f = new EnumMap<>(StepKind.class);
            for (Map.Entry<String, Json> e : speeds.members().entrySet()) {
                StepKind k = Names.named(StepKind.class, e.getKey()).orElseThrow(() -> new InvalidInputException(
                        where + ": unknown step kind '" + e.getKey() + "' in the profile"));
                f.put(k, number(e.getValue(), "flopsPerSecond." + e.getKey()));
            }
            return new Profile(f, number(stored.get("bytesPerSecond"), "bytesPerSecond"),
                    number(stored.get("stepOverhead"), "stepOverhead"), number(stored.get("cacheBytes"), "cacheBytes"),
                    stored.get("machine") instanceof Json.Str machine ? machine.value() : "unknown");
        } catch (JsonSyntaxException e) {
            throw new InvalidInputException(where + ": the profile is not valid JSON: " + e.getMessage());
        } catch (InvalidInputException e) {
            throw e.getMessage().startsWith(where) ? e : new InvalidInputException(where + ": " + e.getMessage());
        }
    }

    /** A number of the profile; a missing one reads as 0, which the checks above refuse where it matters. */
    private static double number(Json value, String name) {
        if (value == null) {
            return 0;
        }
        if (!(value instanceof Json.Num n)) {
            throw new InvalidInputException(name + " is " + value + ", not a number");
        }
        return n.doubleValue();
    }
}
