package dev.ssmc.compiler.codegen;

import dev.ssmc.runtime.kernels.VectorSupport;
import dev.ssmc.runtime.stream.NetworkStream;
import dev.ssmc.runtime.stream.StreamingNetwork;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Random;

/**
 * Run in a JVM of its own by {@link GeneratedStreamContractTest}: loads a generated network class
 * from a directory of class files, initializes it from a seed, streams a seeded random input
 * through {@code newStream()} in calls of 7 frames, and prints which path the JVM chose, whether
 * any {@code Lanes} (Vector API) class was loaded, and the output floats.
 *
 * <p>Arguments: the class directory, the class name, the seed, the input frames.
 */
public final class StreamProbe {
    private StreamProbe() {
    }

    /** A class loader that can say which classes it has loaded. */
    private static final class Loader extends URLClassLoader {
        Loader(URL url) {
            super(new URL[] {url}, StreamProbe.class.getClassLoader());
        }

        boolean loaded(String name) {
            return findLoadedClass(name) != null;
        }
    }

    public static void main(String[] args) throws Exception {
        String className = args[1];
        long seed = Long.parseLong(args[2]);
        int frames = Integer.parseInt(args[3]);
        try (Loader loader = new Loader(Path.of(args[0]).toUri().toURL())) {
            Class<?> type = loader.loadClass(className);
            StreamingNetwork net = (StreamingNetwork) type.getMethod("init", long.class).invoke(null, seed);
            NetworkStream s = net.newStream();
            float[] in = input(seed, frames * s.inChannels());
            StringBuilder out = new StringBuilder();
            float[] buf = new float[s.maxFeatures(7 * s.inChannels())];
            for (int at = 0; at < frames; at += 7) {
                int len = Math.min(7, frames - at) * s.inChannels();
                int n = s.processFeatures(in, at * s.inChannels(), len, buf);
                for (int i = 0; i < n; i++) {
                    out.append(' ').append(buf[i]);
                }
            }
            boolean lanes = false;
            for (Class<?> nested : type.getDeclaredClasses()) {
                lanes |= loader.loaded(nested.getName() + "$Lanes");
            }
            System.out.println("vector " + VectorSupport.enabled());
            System.out.println("lanes " + lanes);
            System.out.println("out" + out);
        }
    }

    /** The probe's input, also made by the test to compute the expected output. */
    static float[] input(long seed, int n) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }
}
