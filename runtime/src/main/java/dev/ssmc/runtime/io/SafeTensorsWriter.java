package dev.ssmc.runtime.io;

import dev.ssmc.runtime.tensor.ShapeException;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Collects tensors and metadata, then writes them as one safetensors file.
 *
 * <pre>{@code
 * new SafeTensorsWriter().metadata("kind", "layer").put("state.A", a).write(path);
 * }</pre>
 *
 * <p>The output depends only on what was put, not on the order of the calls: metadata keys are
 * sorted, and tensors are laid out as the reference library lays them out, by element size
 * (largest first) and then by name, so that every tensor starts at a multiple of its element
 * size and a memory-mapping reader can view it in place. When all tensors have one dtype that is
 * plain name order. The header lists tensors in that same order and is padded with spaces to a
 * multiple of 8 bytes. The file is written to a temporary file and renamed, so a reader never
 * sees half of it.
 *
 * <p>The writer keeps references to the arrays it is given, not copies: what is written is
 * their content at the time of {@link #write(Path)}.
 */
public final class SafeTensorsWriter {
    private static final String METADATA_KEY = "__metadata__";

    private final Map<String, String> metadata = new TreeMap<>();
    private final Map<String, Entry> tensors = new HashMap<>();

    /** One tensor to write: its bytes come from {@code encoder}, {@code count} elements from {@code first}. */
    private record Entry(String name, DType dtype, int[] shape, int elementCount, ChunkEncoder encoder) {
    }

    @FunctionalInterface
    private interface ChunkEncoder {
        void encode(ByteBuffer target, int first, int count);
    }

    /** Adds a {@code __metadata__} entry; a key given twice is an error. */
    public SafeTensorsWriter metadata(String key, String value) {
        Objects.requireNonNull(key, "metadata key");
        Objects.requireNonNull(value, () -> "value of metadata key '" + key + "'");
        if (metadata.putIfAbsent(key, value) != null) {
            throw new IllegalArgumentException("metadata key '" + key + "' is already set");
        }
        return this;
    }

    /** Adds an F32 tensor with the shape and data of {@code tensor}. */
    public SafeTensorsWriter put(String name, Tensor tensor) {
        float[] data = tensor.data();
        return add(name, DType.F32, tensor.shape(), data.length,
                (target, first, count) -> target.asFloatBuffer().put(data, first, count));
    }

    /** Adds an F64 tensor; {@code data} holds the elements in row-major order. */
    public SafeTensorsWriter putF64(String name, int[] shape, double[] data) {
        return add(name, DType.F64, shape, checkLength(name, shape, data.length),
                (target, first, count) -> target.asDoubleBuffer().put(data, first, count));
    }

    /** Adds an I64 tensor; {@code data} holds the elements in row-major order. */
    public SafeTensorsWriter putI64(String name, int[] shape, long[] data) {
        return add(name, DType.I64, shape, checkLength(name, shape, data.length),
                (target, first, count) -> target.asLongBuffer().put(data, first, count));
    }

    private static int checkLength(String name, int[] shape, int length) {
        int n;
        try {
            n = Tensor.checkedSize(shape);
        } catch (ShapeException e) {
            throw new ShapeException("tensor '" + name + "': " + e.getMessage());
        }
        if (n != length) {
            throw new ShapeException("tensor '" + name + "': shape " + Tensor.shapeString(shape) + " holds " + n
                    + " elements but the data has " + length);
        }
        return n;
    }

    private SafeTensorsWriter add(String name, DType dtype, int[] shape, int count, ChunkEncoder encoder) {
        Objects.requireNonNull(name, "tensor name");
        if (name.equals(METADATA_KEY)) {
            throw new IllegalArgumentException("'" + METADATA_KEY + "' is reserved and cannot name a tensor");
        }
        if (tensors.containsKey(name)) {
            throw new IllegalArgumentException("tensor '" + name + "' is already added");
        }
        tensors.put(name, new Entry(name, dtype, shape.clone(), count, encoder));
        return this;
    }

    /**
     * Writes the file, replacing {@code file} atomically if it exists. The writer can be written
     * again, e.g. to a second path.
     */
    public void write(Path file) throws IOException {
        List<Entry> layout = new ArrayList<>(tensors.values());
        layout.sort(Comparator.comparingInt((Entry e) -> -e.dtype().byteSize()).thenComparing(Entry::name));
        byte[] header = header(layout);
        FileChannels.writeAtomically(file, channel -> {
            ByteBuffer length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).flip();
            FileChannels.writeFully(channel, length);
            FileChannels.writeFully(channel, ByteBuffer.wrap(header));
            ByteBuffer buffer = ByteBuffer.allocate(FileChannels.CHUNK_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (Entry e : layout) {
                int perChunk = FileChannels.CHUNK_BYTES / e.dtype().byteSize();
                for (int first = 0; first < e.elementCount(); first += perChunk) {
                    int count = Math.min(perChunk, e.elementCount() - first);
                    buffer.clear();
                    e.encoder().encode(buffer, first, count); // typed views leave this buffer's position alone
                    buffer.limit(count * e.dtype().byteSize());
                    FileChannels.writeFully(channel, buffer);
                }
            }
        });
    }

    /** The UTF-8 JSON header, padded with spaces so the data buffer starts at a multiple of 8. */
    private byte[] header(List<Entry> layout) {
        Map<String, Json> json = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            Map<String, Json> m = new LinkedHashMap<>();
            metadata.forEach((k, v) -> m.put(k, new Json.Str(v)));
            json.put(METADATA_KEY, new Json.Obj(m));
        }
        long offset = 0;
        for (Entry e : layout) {
            long end = offset + (long) e.elementCount() * e.dtype().byteSize();
            List<Json> shape = new ArrayList<>();
            for (int d : e.shape()) {
                shape.add(Json.Num.of(d));
            }
            Map<String, Json> tensor = new LinkedHashMap<>();
            tensor.put("dtype", new Json.Str(e.dtype().spelling()));
            tensor.put("shape", new Json.Arr(shape));
            tensor.put("data_offsets", new Json.Arr(List.of(Json.Num.of(offset), Json.Num.of(end))));
            json.put(e.name(), new Json.Obj(tensor));
            offset = end;
        }
        byte[] text = new Json.Obj(json).toString().getBytes(StandardCharsets.UTF_8);
        int padded = (text.length + 7) / 8 * 8;
        byte[] header = new byte[padded];
        System.arraycopy(text, 0, header, 0, text.length);
        Arrays.fill(header, text.length, padded, (byte) ' ');
        return header;
    }
}
