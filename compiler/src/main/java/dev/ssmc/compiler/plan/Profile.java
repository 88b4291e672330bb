package dev.ssmc.compiler.plan;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.ssmc.runtime.io.AtomicFile;
import dev.ssmc.runtime.io.JsonErrors;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

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

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().create();
    private static final String DEFAULT_RESOURCE = "default-profile.json";

    public Profile {
        flopsPerSecond = Map.copyOf(flopsPerSecond);
        for (StepKind k : StepKind.values()) {
            Double v = flopsPerSecond.get(k);
            if (v == null || !(v > 0)) {
                throw new IllegalArgumentException("profile has no positive speed for " + k);
            }
        }
        if (!(bytesPerSecond > 0) || !(stepOverhead >= 0) || !(cacheBytes >= 0)) {
            throw new IllegalArgumentException("profile speeds must be positive");
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

    /** On-disk form: plain numbers keyed by kind name. */
    private record Stored(Map<String, Double> flopsPerSecond, double bytesPerSecond, double stepOverhead,
                          double cacheBytes, String machine) {
    }

    public String toJson() {
        Map<String, Double> f = new java.util.TreeMap<>();
        flopsPerSecond.forEach((k, v) -> f.put(k.name(), v));
        return GSON.toJson(new Stored(f, bytesPerSecond, stepOverhead, cacheBytes, machine));
    }

    static Profile fromJson(String json, String where) {
        try {
            Stored s = GSON.fromJson(json, Stored.class);
            if (s == null || s.flopsPerSecond() == null) {
                throw new IllegalArgumentException(where + ": not a calibration profile (no flopsPerSecond)");
            }
            Map<StepKind, Double> f = new EnumMap<>(StepKind.class);
            for (Map.Entry<String, Double> e : s.flopsPerSecond().entrySet()) {
                StepKind k;
                try {
                    k = StepKind.valueOf(e.getKey());
                } catch (IllegalArgumentException ex) {
                    throw new IllegalArgumentException(where + ": unknown step kind '" + e.getKey() + "' in the profile");
                }
                f.put(k, e.getValue());
            }
            return new Profile(f, s.bytesPerSecond(), s.stepOverhead(), s.cacheBytes(),
                    s.machine() == null ? "unknown" : s.machine());
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(where + ": the profile is not valid JSON: " + JsonErrors.describe(e));
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage());
        }
    }
}
