package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Whatever the writer writes, the reader reads back identically; whatever is broken, the reader says so. */
class SafeTensorsPropertiesTest {

    /** One tensor to write: a dtype, a shape, and values of that dtype (float[], double[] or long[]). */
    record TensorData(DType dtype, int[] shape, Object values) {
        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }
    }

    @Provide
    Arbitrary<Map<String, TensorData>> tensors() {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').withChars("._0123456789é∑")
                .ofMinLength(1).ofMaxLength(12).filter(n -> !n.equals("__metadata__"));
        return Arbitraries.maps(names, tensorData()).ofMaxSize(6);
    }

    private static Arbitrary<TensorData> tensorData() {
        Arbitrary<int[]> shapes = Arbitraries.integers().between(0, 5).array(int[].class).ofMaxSize(4);
        return Arbitraries.of(DType.F32, DType.F64, DType.I64).flatMap(dtype -> shapes.flatMap(shape -> {
            int n = Tensor.checkedSize(shape);
            Arbitrary<?> values = switch (dtype) {
                case F32 -> Arbitraries.floats().withStandardSpecialValues().array(float[].class).ofSize(n);
                case F64 -> Arbitraries.doubles().withStandardSpecialValues().array(double[].class).ofSize(n);
                default -> Arbitraries.longs().array(long[].class).ofSize(n);
            };
            return values.map(v -> new TensorData(dtype, shape, v));
        }));
    }

    @Provide
    Arbitrary<Map<String, String>> metadata() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').withChars("\n\t\u00e9\u2211\u0000")
                .ofMaxLength(20);
        return Arbitraries.maps(text, text).ofMaxSize(4);
    }

    private static Path write(Map<String, TensorData> tensors, Map<String, String> metadata) throws IOException {
        SafeTensorsWriter writer = new SafeTensorsWriter();
        metadata.forEach(writer::metadata);
        tensors.forEach((name, t) -> {
            switch (t.dtype()) {
                case F32 -> writer.put(name, Tensor.of((float[]) t.values(), t.shape()));
                case F64 -> writer.putF64(name, t.shape(), (double[]) t.values());
                default -> writer.putI64(name, t.shape(), (long[]) t.values());
            }
        });
        Path file = Files.createTempFile("ssmc-property", ".safetensors");
        writer.write(file);
        return file;
    }

    @Property(tries = 200)
    void whatIsWrittenReadsBackIdentically(@ForAll("tensors") Map<String, TensorData> tensors,
            @ForAll("metadata") Map<String, String> metadata) throws IOException {
        Path file = write(tensors, metadata);
        try {
            SafeTensorsFile read = SafeTensors.read(file);
            assertEquals(List.copyOf(new TreeSet<>(tensors.keySet())), read.names());
            assertEquals(metadata, read.metadata());
            for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
                TensorData t = e.getValue();
                TensorInfo info = read.info(e.getKey());
                assertEquals(t.dtype(), info.dtype());
                assertArrayEquals(Arrays.stream(t.shape()).asLongStream().toArray(), info.shape());
                switch (t.dtype()) {
                    case F32 -> {
                        Tensor back = read.f32(e.getKey(), t.shape());
                        assertArrayEquals((float[]) t.values(), back.data());
                    }
                    case F64 -> assertArrayEquals((double[]) t.values(), read.f64(e.getKey()));
                    default -> assertArrayEquals((long[]) t.values(), read.i64(e.getKey()));
                }
            }
        } finally {
            Files.delete(file);
        }
    }

    @Property(tries = 100)
    void layoutIsPaddedAlignedAndExact(@ForAll("tensors") Map<String, TensorData> tensors) throws IOException {
        Path file = write(tensors, Map.of());
        try {
            byte[] bytes = Files.readAllBytes(file);
            long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
            assertEquals(0, headerLength % 8);
            SafeTensorsFile read = SafeTensors.read(file);
            long dataBytes = 0;
            for (String name : read.names()) {
                TensorInfo info = read.info(name);
                assertEquals(0, info.begin() % info.dtype().byteSize(), name + " is aligned to its element size");
                dataBytes += info.byteCount();
            }
            assertEquals(bytes.length, 8 + headerLength + dataBytes);
        } finally {
            Files.delete(file);
        }
    }

    /** A file cut anywhere short of its end is refused with a SafeTensorsException, not read or crashed on. */
    @Property(tries = 100)
    void everyTruncationIsASafeTensorsException(@ForAll("tensors") Map<String, TensorData> tensors,
            @ForAll @IntRange(min = 1, max = 1_000_000) int cut) throws IOException {
        Path file = write(tensors, Map.of("kind", "test"));
        try {
            byte[] bytes = Files.readAllBytes(file);
            Files.write(file, Arrays.copyOf(bytes, (int) ((long) cut * (bytes.length - 1) / 1_000_000)));
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> SafeTensors.read(file));
            assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
        } finally {
            Files.delete(file);
        }
    }

    /**
     * Any one corrupted byte either still reads (for instance a changed data value or a changed
     * character in a name) or fails with a SafeTensorsException: never an unchecked exception from
     * the JSON parser, an overflow, or an allocation of a corrupt length.
     */
    @Property(tries = 300)
    void aCorruptedByteNeverEscapesAsAnUncheckedException(@ForAll("tensors") Map<String, TensorData> tensors,
            @ForAll @IntRange(min = 0, max = 1_000_000) int where, @ForAll byte value) throws IOException {
        Path file = write(tensors, Map.of("kind", "test"));
        try {
            byte[] bytes = Files.readAllBytes(file);
            bytes[(int) ((long) where * (bytes.length - 1) / 1_000_000)] = value;
            Files.write(file, bytes);
            try {
                SafeTensorsFile read = SafeTensors.read(file);
                for (String name : read.names()) {
                    assertEquals(read.info(name).elementCount(), read.toF32(name).size(), name);
                }
            } catch (SafeTensorsException e) {
                assertTrue(e.getMessage().startsWith(file + ": "), e.getMessage());
            }
        } finally {
            Files.delete(file);
        }
    }
}
