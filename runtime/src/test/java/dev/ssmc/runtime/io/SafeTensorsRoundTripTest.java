package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ssmc.runtime.tensor.ShapeException;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafeTensorsRoundTripTest {
    @TempDir
    Path dir;

    @Test
    void roundTripsF32F64I64AndMetadata() throws IOException {
        Tensor a = Tensor.of(new float[] {1.5f, -2f, Float.MIN_VALUE, Float.MAX_VALUE, Float.NaN, -0f}, 2, 3);
        double[] d = {Math.PI, -1e300, Double.MIN_VALUE};
        long[] n = {Long.MIN_VALUE, -1, 0, Long.MAX_VALUE};
        Path file = dir.resolve("mixed.safetensors");
        new SafeTensorsWriter()
                .metadata("kind", "layer")
                .metadata("config", "{\"mode\": \"dws\"}")
                .put("state.A", a)
                .putF64("double", new int[] {3}, d)
                .putI64("counts", new int[] {2, 2}, n)
                .write(file);

        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(Map.of("kind", "layer", "config", "{\"mode\": \"dws\"}"), read.metadata());
        assertEquals(List.of("counts", "double", "state.A"), read.names());
        assertTrue(read.contains("state.A"));
        assertFalse(read.contains("state.a"));

        Tensor back = read.f32("state.A");
        assertArrayEquals(new int[] {2, 3}, back.shape());
        assertArrayEquals(a.data(), back.data());
        assertEquals(Float.floatToRawIntBits(-0f), Float.floatToRawIntBits(back.data()[5]));
        assertArrayEquals(d, read.f64("double"));
        assertArrayEquals(n, read.i64("counts"));

        TensorInfo info = read.info("counts");
        assertEquals(DType.I64, info.dtype());
        assertArrayEquals(new long[] {2, 2}, info.shape());
        assertEquals(32, info.byteCount());
    }

    @Test
    void roundTripsScalarsAndEmptyTensors() throws IOException {
        Path file = dir.resolve("edge.safetensors");
        new SafeTensorsWriter()
                .put("scalar", Tensor.of(new float[] {42f}))
                .put("empty", Tensor.zeros(0))
                .put("empty3d", Tensor.zeros(3, 0, 2))
                .putF64("scalar64", new int[0], new double[] {-7.25})
                .putI64("emptyI64", new int[] {0}, new long[0])
                .write(file);

        SafeTensorsFile read = SafeTensors.read(file);
        Tensor scalar = read.f32("scalar");
        assertEquals(0, scalar.rank());
        assertEquals(42f, scalar.data()[0]);
        assertArrayEquals(new int[] {0}, read.f32("empty").shape());
        Tensor empty3d = read.f32("empty3d");
        assertArrayEquals(new int[] {3, 0, 2}, empty3d.shape());
        assertEquals(0, empty3d.size());
        assertArrayEquals(new double[] {-7.25}, read.f64("scalar64"));
        assertArrayEquals(new long[0], read.i64("emptyI64"));
        assertEquals(0, read.info("empty3d").byteCount());
    }

    @Test
    void roundTripsAFileWithNoTensorsAndNoMetadata() throws IOException {
        Path file = dir.resolve("nothing.safetensors");
        new SafeTensorsWriter().write(file);
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(List.of(), read.names());
        assertEquals(Map.of(), read.metadata());
        assertEquals(16, Files.size(file), "8-byte length, '{}' padded to 8 bytes");
    }

    @Test
    void readsTensorsLargerThanOneReadChunk() throws IOException {
        int n = FileChannels.CHUNK_BYTES / 4 * 2 + 3; // two full chunks and a partial one
        float[] data = new float[n];
        for (int i = 0; i < n; i++) {
            data[i] = i * 0.5f - 7;
        }
        double[] wide = new double[FileChannels.CHUNK_BYTES / 8 + 1];
        for (int i = 0; i < wide.length; i++) {
            wide[i] = -i / 3.0;
        }
        Path file = dir.resolve("big.safetensors");
        new SafeTensorsWriter().put("big", Tensor.of(data, n)).putF64("wide", new int[] {wide.length}, wide)
                .write(file);
        SafeTensorsFile read = SafeTensors.read(file);
        assertArrayEquals(data, read.f32("big").data());
        assertArrayEquals(wide, read.f64("wide"));
    }

    @Test
    void headerIsPaddedWithSpacesToAMultipleOf8AndTensorsAreAligned() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        new SafeTensorsWriter()
                .metadata("k", "v")
                .put("a", Tensor.of(new float[] {1f}, 1)) // 4 bytes: would misalign an F64 after it
                .putF64("b", new int[] {1}, new double[] {2.0})
                .put("c", Tensor.of(new float[] {3f, 4f}, 2))
                .write(file);
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "header length " + headerLength);
        String header = new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8);
        String json = header.stripTrailing();
        assertTrue(json.endsWith("}"), header);
        assertEquals(" ".repeat(header.length() - json.length()), header.substring(json.length()));
        assertTrue(header.length() - json.length() < 8, "at most 7 spaces of padding");
        assertEquals("{\"__metadata__\":{\"k\":\"v\"},"
                + "\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]},"
                + "\"c\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}", json);
        assertEquals(8 + headerLength + 20, bytes.length);
    }

    @Test
    void outputDependsOnlyOnContentNotOnCallOrder() throws IOException {
        Tensor x = Tensor.of(new float[] {1, 2, 3}, 3);
        Tensor y = Tensor.of(new float[] {4, 5}, 2, 1);
        Path first = dir.resolve("first.safetensors");
        Path second = dir.resolve("second.safetensors");
        new SafeTensorsWriter().metadata("b", "2").metadata("a", "1").put("x", x).put("y", y)
                .putI64("n", new int[] {1}, new long[] {9}).write(first);
        new SafeTensorsWriter().putI64("n", new int[] {1}, new long[] {9}).put("y", y).metadata("a", "1")
                .put("x", x).metadata("b", "2").write(second);
        assertArrayEquals(Files.readAllBytes(first), Files.readAllBytes(second));
    }

    @Test
    void writeReplacesAnExistingFileAndLeavesNoTemporaryFile() throws IOException {
        Path file = dir.resolve("replace.safetensors");
        Files.writeString(file, "old content that is not safetensors");
        new SafeTensorsWriter().put("w", Tensor.of(new float[] {5f}, 1)).write(file);
        assertArrayEquals(new float[] {5f}, SafeTensors.read(file).f32("w").data());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void writerRejectsDuplicateNamesAndTheReservedMetadataName() {
        SafeTensorsWriter writer = new SafeTensorsWriter().put("w", Tensor.zeros(1)).metadata("k", "v");
        IllegalArgumentException tensor = assertThrows(IllegalArgumentException.class,
                () -> writer.putF64("w", new int[] {1}, new double[] {1}));
        assertEquals("tensor 'w' is already added", tensor.getMessage());
        IllegalArgumentException meta = assertThrows(IllegalArgumentException.class, () -> writer.metadata("k", "x"));
        assertEquals("metadata key 'k' is already set", meta.getMessage());
        IllegalArgumentException reserved = assertThrows(IllegalArgumentException.class,
                () -> writer.put("__metadata__", Tensor.zeros(1)));
        assertTrue(reserved.getMessage().contains("reserved"), reserved.getMessage());
    }

    @Test
    void writerRejectsDataThatDisagreesWithTheShape() {
        SafeTensorsWriter writer = new SafeTensorsWriter();
        ShapeException f64 = assertThrows(ShapeException.class,
                () -> writer.putF64("d", new int[] {2, 3}, new double[5]));
        assertEquals("tensor 'd': shape [2, 3] holds 6 elements but the data has 5", f64.getMessage());
        ShapeException i64 = assertThrows(ShapeException.class,
                () -> writer.putI64("n", new int[] {-1}, new long[0]));
        assertTrue(i64.getMessage().startsWith("tensor 'n': negative dimension"), i64.getMessage());
    }

    @Test
    void typedReadsRefuseOtherDtypesAndNameTheConversion() throws IOException {
        Path file = dir.resolve("typed.safetensors");
        new SafeTensorsWriter().putF64("d", new int[] {2}, new double[] {0.1, 1e40})
                .put("f", Tensor.of(new float[] {1f}, 1))
                .putI64("n", new int[] {2}, new long[] {3, (1L << 24) + 1}).write(file);
        SafeTensorsFile read = SafeTensors.read(file);

        SafeTensorsException f32 = assertThrows(SafeTensorsException.class, () -> read.f32("d"));
        assertEquals(file + ": tensor 'd': has dtype F64 but f32() reads only F32; toF32() converts it, rounding "
                + "to float", f32.getMessage());
        assertEquals(file, f32.file());
        assertEquals("d", f32.tensor().orElseThrow());
        SafeTensorsException f64 = assertThrows(SafeTensorsException.class, () -> read.f64("f"));
        assertEquals(file + ": tensor 'f': has dtype F32 but f64() reads only F64", f64.getMessage());
        SafeTensorsException i64 = assertThrows(SafeTensorsException.class, () -> read.i64("f"));
        assertEquals(file + ": tensor 'f': has dtype F32 but i64() reads only I64", i64.getMessage());

        assertArrayEquals(new float[] {0.1f, Float.POSITIVE_INFINITY}, read.toF32("d").data());
        assertArrayEquals(new float[] {3f, 16777216f}, read.toF32("n").data(), "2^24 + 1 rounds to 2^24");
        assertArrayEquals(new float[] {1f}, read.toF32("f").data());
    }

    @Test
    void f32WithAnExpectedShapeNamesTheTensorAndBothShapes() throws IOException {
        Path file = dir.resolve("shaped.safetensors");
        new SafeTensorsWriter().put("state.A", Tensor.zeros(3, 4, 2)).write(file);
        SafeTensorsFile read = SafeTensors.read(file);
        assertArrayEquals(new int[] {3, 4, 2}, read.f32("state.A", 3, 4, 2).shape());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> read.f32("state.A", 3, 4));
        assertEquals(file + ": tensor 'state.A': has shape [3, 4, 2] but [3, 4] is needed", e.getMessage());
    }

    @Test
    void metadataWithUnicodeAndEscapesRoundTrips() throws IOException {
        Path file = dir.resolve("unicode.safetensors");
        String value = "quote \" backslash \\ newline \n tab \t é ∑ 🎧 <&>";
        new SafeTensorsWriter().metadata("naïve key", value).put("ünïcödé", Tensor.zeros(1)).write(file);
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(Map.of("naïve key", value), read.metadata());
        assertEquals(List.of("ünïcödé"), read.names());
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        JsonObject header = JsonParser.parseString(new String(bytes, 8, (int) headerLength, StandardCharsets.UTF_8))
                .getAsJsonObject();
        assertEquals(value, header.getAsJsonObject("__metadata__").get("naïve key").getAsString());
    }
}
