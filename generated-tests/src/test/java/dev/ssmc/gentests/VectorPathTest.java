package dev.ssmc.gentests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.kernels.VectorSupport;
import org.junit.jupiter.api.Test;

/**
 * The kernels take the path this run is meant to cover. The module's build runs every property
 * twice (see the pom): once as configured by default, with the Vector API, and once in the
 * {@code scalar-kernels} execution with {@code -Dssmc.vector=false}, which {@link VectorSupport}
 * reads once at class initialization. Without this check, a JVM missing
 * {@code --add-modules jdk.incubator.vector} would silently run the scalar path twice, and a
 * mistyped property the vector path twice.
 */
class VectorPathTest {
    @Test
    void kernelsTakeThePathThisRunCovers() {
        boolean scalarRun = "false".equalsIgnoreCase(System.getProperty("ssmc.vector", "true"));
        assertTrue(VectorSupport.available(), "jdk.incubator.vector is not resolvable: the JVM lacks"
                + " --add-modules jdk.incubator.vector, so no run covers the vector kernels");
        assertEquals(!scalarRun, VectorSupport.enabled(), scalarRun
                ? "ssmc.vector=false but the kernels take their vector paths"
                : "the kernels take their scalar paths in the run meant for the vector ones");
    }
}
