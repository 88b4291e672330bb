package dev.ssmc.runtime.nn;

/**
 * The classifier head's pooling ({@code Reduce('b c ... -> b c', 'mean')}):
 * {@code y[b,c] = mean_t x[b,c,t]} from {@code x[batch][channels][length]} to
 * {@code y[batch][channels]}; backward {@code dx[b,c,t] = dy[b,c] / length}. Sums in double.
 * Nothing is allocated.
 */
public final class MeanOverTime {
    private MeanOverTime() {
    }

    public static void forward(int batch, int channels, int length, float[] x, float[] y) {
        check(batch, channels, length);
        int rows = batch * channels;
        Checks.size("x", x, Checks.volume(batch, channels, length));
        Checks.size("y", y, rows);
        for (int row = 0; row < rows; row++) {
            int o = row * length;
            double s = 0;
            for (int t = 0; t < length; t++) {
                s += x[o + t];
            }
            y[row] = (float) (s / length);
        }
    }

    public static void backward(int batch, int channels, int length, float[] dy, float[] dx) {
        check(batch, channels, length);
        int rows = batch * channels;
        Checks.size("dy", dy, rows);
        Checks.size("dx", dx, Checks.volume(batch, channels, length));
        for (int row = 0; row < rows; row++) {
            java.util.Arrays.fill(dx, row * length, (row + 1) * length, dy[row] / length);
        }
    }

    private static void check(int batch, int channels, int length) {
        Checks.positive("batch", batch);
        Checks.positive("channels", channels);
        Checks.positive("length", length);
    }
}
