package dev.ssmc.runtime.io;

import dev.ssmc.runtime.tensor.Tensor;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A safetensors file whose header has been read and validated by {@link SafeTensors#read(Path)}.
 *
 * <p>Tensor data is read on demand, in bounded chunks through a {@link FileChannel} opened for
 * each read, so an instance holds no open file and needs no closing, and a large file is never
 * held in memory beyond the tensors asked for. If the file's size has changed since its header
 * was read, reads fail rather than return bytes of another file.
 *
 * <p>Typed reads are strict about the element type, because a silent conversion is how a
 * float64 checkpoint turns into subtly different float32 numbers: {@link #f32(String)} reads
 * only F32, {@link #f64(String)} only F64, {@link #i64(String)} only I64. Converting is
 * explicit: {@link #toF32(String)} reads any supported dtype and rounds it to float.
 */
public final class SafeTensorsFile {
    private static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;
    private static final int MAX_SUGGESTIONS = 3;
    private static final int MAX_LISTED_NAMES = 10;

    private final Path path;
    private final long fileSize;
    private final long dataStart;
    private final Map<String, String> metadata;
    private final Map<String, TensorInfo> tensors;

    SafeTensorsFile(Path path, long fileSize, long dataStart, Map<String, String> metadata,
            List<TensorInfo> tensors) {
        this.path = path;
        this.fileSize = fileSize;
        this.dataStart = dataStart;
        this.metadata = Collections.unmodifiableMap(new TreeMap<>(metadata));
        Map<String, TensorInfo> byName = new TreeMap<>();
        for (TensorInfo t : tensors) {
            byName.put(t.name(), t);
        }
        this.tensors = Collections.unmodifiableMap(byName);
    }

    public Path path() {
        return path;
    }

    /** The {@code __metadata__} of the header, sorted by key; empty if there was none. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /** The tensor names, sorted. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    public boolean contains(String name) {
        return tensors.containsKey(name);
    }

    /**
     * What the header says about tensor {@code name}.
     *
     * @throws SafeTensorsException if there is no such tensor; the message suggests close names
     */
    public TensorInfo info(String name) throws SafeTensorsException {
        TensorInfo info = tensors.get(name);
        if (info == null) {
            throw new SafeTensorsException(path, name, "no such tensor in the file" + suggestionsFor(name));
        }
        return info;
    }

    /** Reads an F32 tensor as it is. Any other dtype is an error that points to {@link #toF32}. */
    public Tensor f32(String name) throws IOException {
        TensorInfo info = requireDtype(name, DType.F32, "f32", "; toF32() converts it, rounding to float");
        float[] data = new float[arrayLength(info)];
        readChunks(info, (chunk, first, count) -> chunk.asFloatBuffer().get(data, first, count));
        return Tensor.of(data, intShape(info));
    }

    /**
     * Reads an F32 tensor that must have exactly {@code expectedShape}; checked before any data is
     * read, with an error naming the tensor and both shapes.
     */
    public Tensor f32(String name, int... expectedShape) throws IOException {
        TensorInfo info = requireDtype(name, DType.F32, "f32", "; toF32() converts it, rounding to float");
        long[] expected = Arrays.stream(expectedShape).asLongStream().toArray();
        if (!Arrays.equals(info.shape(), expected)) {
            throw new SafeTensorsException(path, name, "has shape " + info.shapeString() + " but "
                    + Arrays.toString(expectedShape) + " is needed");
        }
        return f32(name);
    }

    /**
     * Reads a tensor of any supported dtype as float32. F64, I32 and I64 values are rounded to
     * the nearest float (integers above 2^24 in magnitude may change); F16, BF16, I8, I16 and U8
     * convert exactly; BOOL reads as 0 or 1 (any non-zero byte is true).
     */
    public Tensor toF32(String name) throws IOException {
        TensorInfo info = info(name);
        float[] out = new float[arrayLength(info)];
        ChunkDecoder decoder = switch (info.dtype()) {
            case F32 -> (chunk, first, count) -> chunk.asFloatBuffer().get(out, first, count);
            case F64 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = (float) chunk.getDouble(8 * i);
                }
            };
            case F16 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = halfToFloat(chunk.getShort(2 * i));
                }
            };
            case BF16 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    // bfloat16 is the upper half of a float32, so widening is a shift.
                    out[first + i] = Float.intBitsToFloat((chunk.getShort(2 * i) & 0xFFFF) << 16);
                }
            };
            case I64 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = chunk.getLong(8 * i);
                }
            };
            case I32 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = chunk.getInt(4 * i);
                }
            };
            case I16 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = chunk.getShort(2 * i);
                }
            };
            case I8 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = chunk.get(i);
                }
            };
            case U8 -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = chunk.get(i) & 0xFF;
                }
            };
            case BOOL -> (chunk, first, count) -> {
                for (int i = 0; i < count; i++) {
                    out[first + i] = chunk.get(i) != 0 ? 1f : 0f;
                }
            };
        };
        readChunks(info, decoder);
        return Tensor.of(out, intShape(info));
    }

    /** Reads an F64 tensor, flat in row-major order; other dtypes are an error. */
    public double[] f64(String name) throws IOException {
        TensorInfo info = requireDtype(name, DType.F64, "f64", "");
        double[] data = new double[arrayLength(info)];
        readChunks(info, (chunk, first, count) -> chunk.asDoubleBuffer().get(data, first, count));
        return data;
    }

    /** Reads an I64 tensor, flat in row-major order; other dtypes are an error. */
    public long[] i64(String name) throws IOException {
        TensorInfo info = requireDtype(name, DType.I64, "i64", "");
        long[] data = new long[arrayLength(info)];
        readChunks(info, (chunk, first, count) -> chunk.asLongBuffer().get(data, first, count));
        return data;
    }

    @Override
    public String toString() {
        return "SafeTensorsFile[" + path + ", " + tensors.size() + " tensors]";
    }

    private TensorInfo requireDtype(String name, DType wanted, String method, String hint)
            throws SafeTensorsException {
        TensorInfo info = info(name);
        if (info.dtype() != wanted) {
            throw new SafeTensorsException(path, name, "has dtype " + info.dtype() + " but " + method
                    + "() reads only " + wanted + hint);
        }
        return info;
    }

    private int arrayLength(TensorInfo info) throws SafeTensorsException {
        long n = info.elementCount();
        if (n > MAX_ARRAY_LENGTH) {
            throw new SafeTensorsException(path, info.name(), "shape " + info.shapeString() + " has " + n
                    + " elements, more than a Java array holds");
        }
        return (int) n;
    }

    private int[] intShape(TensorInfo info) throws SafeTensorsException {
        for (long d : info.shape()) {
            if (d > Integer.MAX_VALUE) {
                throw new SafeTensorsException(path, info.name(), "shape " + info.shapeString()
                        + " has a dimension larger than " + Integer.MAX_VALUE);
            }
        }
        return info.intShape();
    }

    /** Turns one chunk of little-endian elements into elements {@code [first, first + count)} of an array. */
    @FunctionalInterface
    private interface ChunkDecoder {
        void decode(ByteBuffer chunk, int first, int count);
    }

    private void readChunks(TensorInfo info, ChunkDecoder decoder) throws IOException {
        int elementSize = info.dtype().byteSize();
        int elementsPerChunk = FileChannels.CHUNK_BYTES / elementSize;
        long total = info.elementCount();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            if (size != fileSize) {
                throw new SafeTensorsException(path, info.name(), "the file has " + size + " bytes now but had "
                        + fileSize + " when its header was read; it was changed, read it again");
            }
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(total, elementsPerChunk) * elementSize)
                    .order(ByteOrder.LITTLE_ENDIAN);
            for (long done = 0; done < total; done += elementsPerChunk) {
                int count = (int) Math.min(elementsPerChunk, total - done);
                buffer.clear().limit(count * elementSize);
                try {
                    FileChannels.readFully(channel, dataStart + info.begin() + done * elementSize, buffer);
                } catch (EOFException e) {
                    throw new SafeTensorsException(path, info.name(), e.getMessage()
                            + " while reading data_offsets [" + info.begin() + ", " + info.end() + "]", e);
                }
                decoder.decode(buffer.slice().order(ByteOrder.LITTLE_ENDIAN), (int) done, count);
            }
        }
    }

    /** IEEE 754 binary16 to float; exact, since every half is a float. */
    static float halfToFloat(short half) {
        int bits = half & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        if (exponent == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mantissa << 13)); // infinity or NaN
        }
        if (exponent == 0) {
            // zero or subnormal: mantissa × 2^-24, computed exactly in float
            float magnitude = mantissa * 0x1p-24f;
            return sign == 0 ? magnitude : -magnitude;
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    /**
     * Up to three names close to {@code wanted}: same name in another case, one that ends with
     * {@code "." + wanted} (a missing prefix, the commonest slip with checkpoint keys) or the
     * reverse, or a small edit distance. Without any, the first names of the file are listed.
     */
    private String suggestionsFor(String wanted) {
        String w = wanted.toLowerCase(Locale.ROOT);
        int threshold = Math.max(2, w.length() / 3);
        record Candidate(String name, int distance) {
        }
        List<Candidate> close = new ArrayList<>();
        for (String name : tensors.keySet()) {
            String n = name.toLowerCase(Locale.ROOT);
            int distance = n.endsWith("." + w) || w.endsWith("." + n) ? 1 : editDistance(w, n);
            if (distance <= threshold) {
                close.add(new Candidate(name, distance));
            }
        }
        if (!close.isEmpty()) {
            close.sort(Comparator.comparingInt(Candidate::distance).thenComparing(Candidate::name));
            return "; did you mean " + close.stream().limit(MAX_SUGGESTIONS).map(c -> "'" + c.name() + "'")
                    .collect(Collectors.joining(" or ")) + "?";
        }
        if (tensors.isEmpty()) {
            return "; the file has no tensors";
        }
        String listed = tensors.keySet().stream().limit(MAX_LISTED_NAMES).collect(Collectors.joining(", "));
        return "; the file has " + tensors.size() + " tensors: " + listed
                + (tensors.size() > MAX_LISTED_NAMES ? ", ..." : "");
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] t = previous;
            previous = current;
            current = t;
        }
        return previous[b.length()];
    }
}
