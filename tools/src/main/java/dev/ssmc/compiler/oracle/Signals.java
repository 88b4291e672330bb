package dev.ssmc.compiler.oracle;

/** Helpers for signals stored as {@code double[batch][channel][time]}. */
final class Signals {
    private Signals() {
    }

    static double[][][] zeros(int batch, int channels, int length) {
        return new double[batch][channels][length];
    }

    static int length(double[][][] x) {
        return x[0].length == 0 ? 0 : x[0][0].length;
    }

    /** x followed by y along time. */
    static double[][][] concat(double[][][] x, double[][][] y) {
        int b = x.length;
        int c = x[0].length;
        int lx = length(x);
        int ly = length(y);
        double[][][] out = zeros(b, c, lx + ly);
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < c; j++) {
                System.arraycopy(x[i][j], 0, out[i][j], 0, lx);
                System.arraycopy(y[i][j], 0, out[i][j], lx, ly);
            }
        }
        return out;
    }

    /** Samples [from, to) of x. */
    static double[][][] slice(double[][][] x, int from, int to) {
        double[][][] out = zeros(x.length, x[0].length, to - from);
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[0].length; j++) {
                System.arraycopy(x[i][j], from, out[i][j], 0, to - from);
            }
        }
        return out;
    }
}
