package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.floats;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.maps;

import dev.ssmc.runtime.tensor.Tensor;
import dev.ssmc.runtime.testing.Generators;
import dev.ssmc.runtime.testing.Property;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/** Whatever the writer writes, the reader reads back identically; whatever is broken, the reader says so. */
class SafeTensorsPropertiesTest {

    /** One tensor to write: a dtype, a shape, and values of that dtype (float[], double[] or long[]). */
    record TensorData(DType dtype, int[] shape, Object values) {
        @Override
        public String toString() {
            return dtype + Arrays.toString(shape);
        }
    }

    private static Gen<Map<String, TensorData>> tensors() {
        Gen<String> names = Generators.strings(Generators.alphabet('a', 'z', "._0123456789é∑"), 1, 12)
                .assuming(n -> !n.equals("__metadata__"));
        return maps().of(names, tensorData()).ofSizeBetween(0, 6);
    }

    private static Gen<TensorData> tensorData() {
        Gen<DType> dtypes = arbitrary().pick(DType.F32, DType.F64, DType.I64);
        Gen<int[]> shapes = Generate.intArrays(integers().between(0, 4), integers().between(0, 5));
        return in -> {
            DType dtype = dtypes.generate(in);
            int[] shape = shapes.generate(in);
            int n = Tensor.checkedSize(shape);
            Object values = switch (dtype) {
                case F32 -> Generators.floatArrays(Generators.withSpecialValues(floats().any()), n).generate(in);
                case F64 -> Generators.doubleArrays(Generators.withSpecialDoubles(doubles().any()), n).generate(in);
                default -> Generators.longArrays(longs().all(), n).generate(in);
            };
            return new TensorData(dtype, shape, values);
        };
    }

    private static Gen<Map<String, String>> metadata() {
        Gen<String> text = Generators.strings(Generators.alphabet(' ', '~', "\n\t\u00e9\u2211\u0000"), 0, 20);
        return maps().of(text, text).ofSizeBetween(0, 4);
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

    @Test
    void whatIsWrittenReadsBackIdentically() {
        Property.forAll(200, in -> new Written(tensors().generate(in),
                metadata().generate(in)),
                a -> whatIsWrittenReadsBackIdentically(a.tensors(), a.metadata()));
    }

    /** One try of {@link #whatIsWrittenReadsBackIdentically()}. */
    record Written(Map<String, TensorData> tensors, Map<String, String> metadata) {
    }

    private void whatIsWrittenReadsBackIdentically(Map<String, TensorData> tensors, Map<String,
            String> metadata) throws IOException {
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

    @Test
    void layoutIsPaddedAlignedAndExact() {
        Property.forAll(100, tensors(), this::layoutIsPaddedAlignedAndExact);
    }

    private void layoutIsPaddedAlignedAndExact(Map<String, TensorData> tensors) throws IOException {
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
    @Test
    void everyTruncationIsASafeTensorsException() {
        Property.forAll(100, in -> new Truncated(tensors().generate(in),
                integers().between(1, 1_000_000).generate(in)),
                a -> everyTruncationIsASafeTensorsException(a.tensors(), a.cut()));
    }

    /** One try of {@link #everyTruncationIsASafeTensorsException()}. */
    record Truncated(Map<String, TensorData> tensors, int cut) {
    }

    private void everyTruncationIsASafeTensorsException(Map<String, TensorData> tensors, int cut) throws IOException {
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
    @Test
    void aCorruptedByteNeverEscapesAsAnUncheckedException() {
        Property.forAll(300, in -> new Corrupted(tensors().generate(in),
                integers().between(0, 1_000_000).generate(in),
                integers().between(Byte.MIN_VALUE, Byte.MAX_VALUE).map(Integer::byteValue).generate(in)),
                a -> aCorruptedByteNeverEscapesAsAnUncheckedException(a.tensors(), a.where(), a.value()));
    }

    /** One try of {@link #aCorruptedByteNeverEscapesAsAnUncheckedException()}. */
    record Corrupted(Map<String, TensorData> tensors, int where, byte value) {
    }

    private void aCorruptedByteNeverEscapesAsAnUncheckedException(Map<String, TensorData> tensors, int where,
            byte value) throws IOException {
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
