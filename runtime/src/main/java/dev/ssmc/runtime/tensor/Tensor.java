package dev.ssmc.runtime.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor in row-major order.
 *
 * <p>The shape is fixed; the data array is shared, not copied, so a tensor is a view of its
 * array with a shape. Shape mismatches throw {@link ShapeException} with both shapes in the
 * message.
 */
public final class Tensor {
    private final int[] shape;
    private final int[] strides;
    private final float[] data;

    private Tensor(int[] shape, float[] data) {
        this.shape = shape;
        this.data = data;
        this.strides = new int[shape.length];
        int s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i];
        }
    }

    /** A tensor of zeros. */
    public static Tensor zeros(int... shape) {
        return new Tensor(shape.clone(), new float[checkedSize(shape)]);
    }

    /** Wraps {@code data} (not copied) with {@code shape}; the sizes must agree. */
    public static Tensor of(float[] data, int... shape) {
        long n = checkedSize(shape);
        if (n != data.length) {
            throw new ShapeException("shape " + shapeString(shape) + " holds " + n
                    + " elements but the data has " + data.length);
        }
        return new Tensor(shape.clone(), data);
    }

    /** The number of elements of a shape; negative dimensions or more than 2^31-1 elements are errors. */
    public static int checkedSize(int... shape) {
        long n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new ShapeException("negative dimension in shape " + shapeString(shape));
            }
            n *= d;
            if (n > Integer.MAX_VALUE - 8) {
                throw new ShapeException("shape " + shapeString(shape) + " has more elements than a Java array holds");
            }
        }
        return (int) n;
    }

    public static String shapeString(int... shape) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        return sb.append(']').toString();
    }

    public int rank() {
        return shape.length;
    }

    public int dim(int axis) {
        return shape[axis];
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    public int size() {
        return data.length;
    }

    /** The backing array (not a copy). */
    public float[] data() {
        return data;
    }

    /** The flat index of a multi-index; bounds are checked. */
    public int index(int... idx) {
        if (idx.length != shape.length) {
            throw new ShapeException("index of rank " + idx.length + " into a tensor of shape " + shapeString(shape));
        }
        int flat = 0;
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= shape[i]) {
                throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " outside shape " + shapeString(shape));
            }
            flat += idx[i] * strides[i];
        }
        return flat;
    }

    public float get(int... idx) {
        return data[index(idx)];
    }

    public void set(float value, int... idx) {
        data[index(idx)] = value;
    }

    /** The same data with another shape of equal size. */
    public Tensor reshape(int... newShape) {
        return of(data, newShape);
    }

    public Tensor copy() {
        return new Tensor(shape.clone(), data.clone());
    }

    public boolean hasShape(int... expected) {
        return Arrays.equals(shape, expected);
    }

    /** Throws a {@link ShapeException} naming {@code what} unless this tensor has exactly {@code expected}. */
    public Tensor requireShape(String what, int... expected) {
        if (!hasShape(expected)) {
            throw new ShapeException(what + " has shape " + shapeString(shape) + " but " + shapeString(expected) + " is needed");
        }
        return this;
    }

    /** The largest absolute value (0 for an empty tensor). */
    public float maxAbs() {
        float m = 0f;
        for (float v : data) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    @Override
    public String toString() {
        return "Tensor" + shapeString(shape);
    }
}
