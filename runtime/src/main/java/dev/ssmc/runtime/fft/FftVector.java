package dev.ssmc.runtime.fft;

import static dev.ssmc.runtime.fft.ComplexFft.C3;
import static dev.ssmc.runtime.fft.ComplexFft.C51;
import static dev.ssmc.runtime.fft.ComplexFft.C52;
import static dev.ssmc.runtime.fft.ComplexFft.C71;
import static dev.ssmc.runtime.fft.ComplexFft.C72;
import static dev.ssmc.runtime.fft.ComplexFft.C73;
import static dev.ssmc.runtime.fft.ComplexFft.S3;
import static dev.ssmc.runtime.fft.ComplexFft.S51;
import static dev.ssmc.runtime.fft.ComplexFft.S52;
import static dev.ssmc.runtime.fft.ComplexFft.S71;
import static dev.ssmc.runtime.fft.ComplexFft.S72;
import static dev.ssmc.runtime.fft.ComplexFft.S73;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The Vector API twin of {@link ComplexFft}'s stages: the same butterflies with {@code q}
 * (contiguous in both buffers) across the lanes and the stage's twiddles broadcast. Only loaded
 * when the vector path is taken. Each stage handles {@code q} up to the last whole vector and
 * returns where the scalar tail starts.
 */
final class FftVector {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int W = S.length();

    private FftVector() {
    }

    static int width() {
        return W;
    }

    static int stage(int p, int m, int st, float[] twr, float[] twi, int tw,
                     float[] xr, float[] xi, float[] yr, float[] yi) {
        int qEnd = st - st % W;
        switch (p) {
            case 4:
                radix4(m, st, qEnd, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 2:
                radix2(m, st, qEnd, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 3:
                radix3(m, st, qEnd, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 5:
                radix5(m, st, qEnd, twr, twi, tw, xr, xi, yr, yi);
                break;
            case 7:
                radix7(m, st, qEnd, twr, twi, tw, xr, xi, yr, yi);
                break;
            default:
                throw new IllegalStateException("radix " + p);
        }
        return qEnd;
    }

    /** Stores {@code b * w} (complex, w broadcast) at {@code o}. */
    private static void store(float[] yr, float[] yi, int o, FloatVector br, FloatVector bi, float wr, float wi) {
        br.mul(wr).sub(bi.mul(wi)).intoArray(yr, o);
        br.mul(wi).add(bi.mul(wr)).intoArray(yi, o);
    }

    private static void radix2(int m, int st, int qEnd, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            float w1r = twr[tw + j];
            float w1i = twi[tw + j];
            int in = st * j;
            int out = 2 * st * j;
            for (int q = 0; q < qEnd; q += W) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0);
                FloatVector a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + sm);
                FloatVector a1i = FloatVector.fromArray(S, xi, i0 + sm);
                int o = out + q;
                a0r.add(a1r).intoArray(yr, o);
                a0i.add(a1i).intoArray(yi, o);
                store(yr, yi, o + st, a0r.sub(a1r), a0i.sub(a1i), w1r, w1i);
            }
        }
    }

    private static void radix4(int m, int st, int qEnd, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        for (int j = 0; j < m; j++) {
            int t = tw + 3 * j;
            float w1r = twr[t];
            float w1i = twi[t];
            float w2r = twr[t + 1];
            float w2i = twi[t + 1];
            float w3r = twr[t + 2];
            float w3i = twi[t + 2];
            int in = st * j;
            int out = 4 * st * j;
            for (int q = 0; q < qEnd; q += W) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0);
                FloatVector a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + sm);
                FloatVector a1i = FloatVector.fromArray(S, xi, i0 + sm);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * sm);
                FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * sm);
                FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * sm);
                FloatVector a3i = FloatVector.fromArray(S, xi, i0 + 3 * sm);
                FloatVector t0r = a0r.add(a2r);
                FloatVector t0i = a0i.add(a2i);
                FloatVector t1r = a0r.sub(a2r);
                FloatVector t1i = a0i.sub(a2i);
                FloatVector t2r = a1r.add(a3r);
                FloatVector t2i = a1i.add(a3i);
                FloatVector t3r = a1i.sub(a3i);
                FloatVector t3i = a3r.sub(a1r);
                int o = out + q;
                t0r.add(t2r).intoArray(yr, o);
                t0i.add(t2i).intoArray(yi, o);
                store(yr, yi, o + st, t1r.add(t3r), t1i.add(t3i), w1r, w1i);
                store(yr, yi, o + 2 * st, t0r.sub(t2r), t0i.sub(t2i), w2r, w2i);
                store(yr, yi, o + 3 * st, t1r.sub(t3r), t1i.sub(t3i), w3r, w3i);
            }
        }
    }

    private static void radix3(int m, int st, int qEnd, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        FloatVector c3 = FloatVector.broadcast(S, C3);
        for (int j = 0; j < m; j++) {
            int t = tw + 2 * j;
            float w1r = twr[t];
            float w1i = twi[t];
            float w2r = twr[t + 1];
            float w2i = twi[t + 1];
            int in = st * j;
            int out = 3 * st * j;
            for (int q = 0; q < qEnd; q += W) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0);
                FloatVector a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + sm);
                FloatVector a1i = FloatVector.fromArray(S, xi, i0 + sm);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * sm);
                FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * sm);
                FloatVector t1r = a1r.add(a2r);
                FloatVector t1i = a1i.add(a2i);
                FloatVector t2r = t1r.fma(c3, a0r);
                FloatVector t2i = t1i.fma(c3, a0i);
                FloatVector t3r = a1r.sub(a2r).mul(S3);
                FloatVector t3i = a1i.sub(a2i).mul(S3);
                int o = out + q;
                a0r.add(t1r).intoArray(yr, o);
                a0i.add(t1i).intoArray(yi, o);
                store(yr, yi, o + st, t2r.add(t3i), t2i.sub(t3r), w1r, w1i);
                store(yr, yi, o + 2 * st, t2r.sub(t3i), t2i.add(t3r), w2r, w2i);
            }
        }
    }

    private static void radix5(int m, int st, int qEnd, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        FloatVector c51 = FloatVector.broadcast(S, C51);
        FloatVector c52 = FloatVector.broadcast(S, C52);
        FloatVector ns51 = FloatVector.broadcast(S, -S51);
        FloatVector s52 = FloatVector.broadcast(S, S52);
        for (int j = 0; j < m; j++) {
            int t = tw + 4 * j;
            int in = st * j;
            int out = 5 * st * j;
            for (int q = 0; q < qEnd; q += W) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0);
                FloatVector a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + sm);
                FloatVector a1i = FloatVector.fromArray(S, xi, i0 + sm);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * sm);
                FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * sm);
                FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * sm);
                FloatVector a3i = FloatVector.fromArray(S, xi, i0 + 3 * sm);
                FloatVector a4r = FloatVector.fromArray(S, xr, i0 + 4 * sm);
                FloatVector a4i = FloatVector.fromArray(S, xi, i0 + 4 * sm);
                FloatVector s1r = a1r.add(a4r);
                FloatVector s1i = a1i.add(a4i);
                FloatVector s2r = a2r.add(a3r);
                FloatVector s2i = a2i.add(a3i);
                FloatVector d1r = a1r.sub(a4r);
                FloatVector d1i = a1i.sub(a4i);
                FloatVector d2r = a2r.sub(a3r);
                FloatVector d2i = a2i.sub(a3i);
                FloatVector r1r = s2r.fma(c52, s1r.fma(c51, a0r));
                FloatVector r1i = s2i.fma(c52, s1i.fma(c51, a0i));
                FloatVector r2r = s2r.fma(c51, s1r.fma(c52, a0r));
                FloatVector r2i = s2i.fma(c51, s1i.fma(c52, a0i));
                FloatVector i1r = d2r.fma(s52, d1r.mul(S51));
                FloatVector i1i = d2i.fma(s52, d1i.mul(S51));
                FloatVector i2r = d2r.fma(ns51, d1r.mul(S52));
                FloatVector i2i = d2i.fma(ns51, d1i.mul(S52));
                int o = out + q;
                a0r.add(s1r).add(s2r).intoArray(yr, o);
                a0i.add(s1i).add(s2i).intoArray(yi, o);
                store(yr, yi, o + st, r1r.add(i1i), r1i.sub(i1r), twr[t], twi[t]);
                store(yr, yi, o + 2 * st, r2r.add(i2i), r2i.sub(i2r), twr[t + 1], twi[t + 1]);
                store(yr, yi, o + 3 * st, r2r.sub(i2i), r2i.add(i2r), twr[t + 2], twi[t + 2]);
                store(yr, yi, o + 4 * st, r1r.sub(i1i), r1i.add(i1r), twr[t + 3], twi[t + 3]);
            }
        }
    }

    private static void radix7(int m, int st, int qEnd, float[] twr, float[] twi, int tw,
                               float[] xr, float[] xi, float[] yr, float[] yi) {
        int sm = st * m;
        FloatVector c71 = FloatVector.broadcast(S, C71);
        FloatVector c72 = FloatVector.broadcast(S, C72);
        FloatVector c73 = FloatVector.broadcast(S, C73);
        FloatVector ns71 = FloatVector.broadcast(S, -S71);
        FloatVector ns73 = FloatVector.broadcast(S, -S73);
        FloatVector s72 = FloatVector.broadcast(S, S72);
        FloatVector s73 = FloatVector.broadcast(S, S73);
        for (int j = 0; j < m; j++) {
            int t = tw + 6 * j;
            int in = st * j;
            int out = 7 * st * j;
            for (int q = 0; q < qEnd; q += W) {
                int i0 = in + q;
                FloatVector a0r = FloatVector.fromArray(S, xr, i0);
                FloatVector a0i = FloatVector.fromArray(S, xi, i0);
                FloatVector a1r = FloatVector.fromArray(S, xr, i0 + sm);
                FloatVector a1i = FloatVector.fromArray(S, xi, i0 + sm);
                FloatVector a6r = FloatVector.fromArray(S, xr, i0 + 6 * sm);
                FloatVector a6i = FloatVector.fromArray(S, xi, i0 + 6 * sm);
                FloatVector s1r = a1r.add(a6r);
                FloatVector s1i = a1i.add(a6i);
                FloatVector d1r = a1r.sub(a6r);
                FloatVector d1i = a1i.sub(a6i);
                FloatVector a2r = FloatVector.fromArray(S, xr, i0 + 2 * sm);
                FloatVector a2i = FloatVector.fromArray(S, xi, i0 + 2 * sm);
                FloatVector a5r = FloatVector.fromArray(S, xr, i0 + 5 * sm);
                FloatVector a5i = FloatVector.fromArray(S, xi, i0 + 5 * sm);
                FloatVector s2r = a2r.add(a5r);
                FloatVector s2i = a2i.add(a5i);
                FloatVector d2r = a2r.sub(a5r);
                FloatVector d2i = a2i.sub(a5i);
                FloatVector a3r = FloatVector.fromArray(S, xr, i0 + 3 * sm);
                FloatVector a3i = FloatVector.fromArray(S, xi, i0 + 3 * sm);
                FloatVector a4r = FloatVector.fromArray(S, xr, i0 + 4 * sm);
                FloatVector a4i = FloatVector.fromArray(S, xi, i0 + 4 * sm);
                FloatVector s3r = a3r.add(a4r);
                FloatVector s3i = a3i.add(a4i);
                FloatVector d3r = a3r.sub(a4r);
                FloatVector d3i = a3i.sub(a4i);
                FloatVector r1r = s3r.fma(c73, s2r.fma(c72, s1r.fma(c71, a0r)));
                FloatVector r1i = s3i.fma(c73, s2i.fma(c72, s1i.fma(c71, a0i)));
                FloatVector r2r = s3r.fma(c71, s2r.fma(c73, s1r.fma(c72, a0r)));
                FloatVector r2i = s3i.fma(c71, s2i.fma(c73, s1i.fma(c72, a0i)));
                FloatVector r3r = s3r.fma(c72, s2r.fma(c71, s1r.fma(c73, a0r)));
                FloatVector r3i = s3i.fma(c72, s2i.fma(c71, s1i.fma(c73, a0i)));
                FloatVector i1r = d3r.fma(s73, d2r.fma(s72, d1r.mul(S71)));
                FloatVector i1i = d3i.fma(s73, d2i.fma(s72, d1i.mul(S71)));
                FloatVector i2r = d3r.fma(ns71, d2r.fma(ns73, d1r.mul(S72)));
                FloatVector i2i = d3i.fma(ns71, d2i.fma(ns73, d1i.mul(S72)));
                FloatVector i3r = d3r.fma(s72, d2r.fma(ns71, d1r.mul(S73)));
                FloatVector i3i = d3i.fma(s72, d2i.fma(ns71, d1i.mul(S73)));
                int o = out + q;
                a0r.add(s1r).add(s2r).add(s3r).intoArray(yr, o);
                a0i.add(s1i).add(s2i).add(s3i).intoArray(yi, o);
                store(yr, yi, o + st, r1r.add(i1i), r1i.sub(i1r), twr[t], twi[t]);
                store(yr, yi, o + 2 * st, r2r.add(i2i), r2i.sub(i2r), twr[t + 1], twi[t + 1]);
                store(yr, yi, o + 3 * st, r3r.add(i3i), r3i.sub(i3r), twr[t + 2], twi[t + 2]);
                store(yr, yi, o + 4 * st, r3r.sub(i3i), r3i.add(i3r), twr[t + 3], twi[t + 3]);
                store(yr, yi, o + 5 * st, r2r.sub(i2i), r2i.add(i2r), twr[t + 4], twi[t + 4]);
                store(yr, yi, o + 6 * st, r1r.sub(i1i), r1i.add(i1r), twr[t + 5], twi[t + 5]);
            }
        }
    }
}
