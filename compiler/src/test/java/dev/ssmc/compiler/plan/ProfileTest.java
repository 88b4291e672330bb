package dev.ssmc.compiler.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The calibration profile's file: the format profiles were written in reads, and is what is written. */
class ProfileTest {

    @Test
    void theShippedProfileIsWrittenBackByteForByte() throws IOException {
        String shipped;
        try (InputStream in = Profile.class.getResourceAsStream("default-profile.json")) {
            shipped = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(shipped, Profile.defaults().toJson() + "\n");
    }

    @Test
    void writtenProfilesReadBack(@TempDir Path dir) throws IOException {
        Map<StepKind, Double> speeds = new EnumMap<>(StepKind.class);
        for (StepKind k : StepKind.values()) {
            speeds.put(k, 1e9 * (k.ordinal() + 1) / 3);
        }
        Profile p = new Profile(speeds, 3.5e10, 1e-7, 65536, "a \"quoted\" machine\twith a tab");
        Path file = dir.resolve("p.json");
        p.write(file);
        assertEquals(p, Profile.read(file));
    }

    @Test
    void badProfilesSayWhatIsWrong() {
        assertEquals("p.json: the profile is not valid JSON: malformed JSON at line 2 column 21 path $.bytesPerSecond",
                assertThrows(IllegalArgumentException.class,
                        () -> Profile.fromJson("{\"flopsPerSecond\": {},\n  \"bytesPerSecond\": x}", "p.json"))
                        .getMessage());
        assertEquals("p.json: not a calibration profile (no flopsPerSecond)",
                assertThrows(IllegalArgumentException.class, () -> Profile.fromJson("[]", "p.json")).getMessage());
        assertEquals("p.json: unknown step kind 'WARP' in the profile",
                assertThrows(IllegalArgumentException.class,
                        () -> Profile.fromJson("{\"flopsPerSecond\": {\"WARP\": 1}}", "p.json")).getMessage());
        assertEquals("p.json: bytesPerSecond is \"fast\", not a number",
                assertThrows(IllegalArgumentException.class, () -> Profile.fromJson(
                        Profile.defaults().toJson().replaceFirst("\"bytesPerSecond\": [^,]+", "\"bytesPerSecond\": \"fast\""),
                        "p.json")).getMessage());
    }
}
