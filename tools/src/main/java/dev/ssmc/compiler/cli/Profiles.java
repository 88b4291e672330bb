package dev.ssmc.compiler.cli;

import dev.ssmc.compiler.plan.Profile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where commands take their calibration profile from. */
final class Profiles {
    private Profiles() {
    }

    /** The given profile file, else {@code ~/.ssmc/profile.json} if {@code ssmc calibrate} wrote one, else the default. */
    static Profile load(Path explicit) throws IOException {
        if (explicit != null) {
            if (!Files.isRegularFile(explicit)) {
                throw new UserError(explicit + ": no such profile (make one with `ssmc calibrate -o " + explicit + "`)");
            }
            return Profile.read(explicit);
        }
        Path home = defaultPath();
        return Files.isRegularFile(home) ? Profile.read(home) : Profile.defaults();
    }

    static Path defaultPath() {
        return Path.of(System.getProperty("user.home"), ".ssmc", "profile.json");
    }
}
