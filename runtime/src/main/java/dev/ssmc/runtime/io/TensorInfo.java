package dev.ssmc.runtime.io;

import java.util.Arrays;
import java.util.Objects;

/**
 * What the header of a safetensors file says about one tensor: its name, element type, shape, and
 * where its bytes are, as {@code [begin, end)} relative to the start of the data buffer.
 *
 * <p>The shape is kept as {@code long[]} because the format allows dimensions that no Java array
 * could hold; such a tensor can be described and skipped, and only reading it fails. The array
 * is copied in and out, so an instance is immutable.
 */
public record TensorInfo(String name, DType dtype, long[] shape, long begin, long end) {

    public TensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    /** The number of elements: the product of the shape, 1 for a scalar (shape {@code []}). */
    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            // The reader checked that a product without a zero fits in the file, so it fits a long; with
            // a zero the wrapped partial products still end in 0.
            n *= d;
        }
        return n;
    }

    /** The number of data bytes, {@code end - begin}. */
    public long byteCount() {
        return end - begin;
    }

    /** The shape as {@code int[]}; only for tensors whose dimensions each fit an int. */
    int[] intShape() {
        int[] s = new int[shape.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = Math.toIntExact(shape[i]);
        }
        return s;
    }

    /** The shape in the form {@code [2, 3, 64]}. */
    public String shapeString() {
        return Arrays.toString(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && begin == t.begin && end == t.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return "TensorInfo[" + name + " " + dtype + " " + shapeString() + " @ [" + begin + ", " + end + ")]";
    }
}
