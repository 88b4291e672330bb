package dev.ssmc.runtime.io;

import dev.ssmc.runtime.testing.SharedData;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files the reference PyTorch package wrote must read, and mean what section 6 of the reference says. */
class SafeTensorsGoldenTest {
    @TempDir
    Path dir;

    private static List<Path> goldenFiles() throws IOException {
        try (Stream<Path> files = Files.list(SharedData.golden())) {
            List<Path> list = files.filter(p -> p.toString().endsWith(".safetensors")).sorted().toList();
            assertTrue(list.size() >= 11, "expected the 11 golden files, found " + list);
            return list;
        }
    }

    @Test
    void everyGoldenFileReadsCompletely() throws IOException {
        for (Path file : goldenFiles()) {
            SafeTensorsFile read = SafeTensors.read(file);
            String kind = read.metadata().get("kind");
            assertTrue(kind.equals("layer") || kind.equals("network"), file + ": kind " + kind);
            JsonObject config = JsonParser.parseString(read.metadata().get("config")).getAsJsonObject();
            assertEquals(file.getFileName().toString(), config.get("name").getAsString() + ".safetensors");
            assertTrue(read.contains("input") && read.contains("output"), file + ": " + read.names());

            long tensorBytes = 0;
            for (String name : read.names()) {
                TensorInfo info = read.info(name);
                assertEquals(DType.F32, info.dtype(), file + " " + name);
                Tensor t = read.f32(name);
                assertArrayEquals(info.shape(), Arrays.stream(t.shape()).asLongStream().toArray());
                for (float v : t.data()) {
                    assertTrue(Float.isFinite(v), file + " " + name + " has " + v);
                }
                tensorBytes += info.byteCount();
            }
            long headerLength = headerLength(file);
            assertEquals(Files.size(file), 8 + headerLength + tensorBytes, file + ": tensors cover the buffer");
        }
    }

    @Test
    void layerDwsSmallHoldsWhatTheReferenceWrote() throws IOException {
        SafeTensorsFile read = SafeTensors.read(SharedData.golden().resolve("layer_dws_small.safetensors"));
        assertEquals("layer", read.metadata().get("kind"));
        JsonObject config = JsonParser.parseString(read.metadata().get("config")).getAsJsonObject();
        assertEquals("dws", config.get("mode").getAsString());
        assertEquals(3, config.get("in_channels").getAsInt());

        TensorInfo input = read.info("input");
        assertEquals(DType.F32, input.dtype());
        assertArrayEquals(new long[] {2, 3, 64}, input.shape());
        Tensor x = read.f32("input", 2, 3, 64);
        // Values as Python's struct module decodes them from the same bytes.
        assertEquals(-0.21552248299121857f, x.get(0, 0, 0));
        assertEquals(0.270527720451355f, x.get(0, 0, 1));
        assertEquals(0.5596919655799866f, x.get(0, 0, 2));
        assertEquals(-1.7437580823898315f, x.get(1, 2, 63));
        double sum = 0;
        for (float v : x.data()) {
            sum += v;
        }
        assertEquals(44.131057618535124, sum, 1e-9);
        assertArrayEquals(new int[] {3, 4, 2}, read.f32("state.A").shape());
        assertArrayEquals(new float[] {-0.3010096549987793f, 0.5856003761291504f},
                Arrays.copyOf(read.f32("state.A").data(), 2));
    }

    /**
     * Rewriting a golden file gives the very same data buffer: the reference also lays tensors of
     * one dtype out in name order, so the writer's layout matches it byte for byte.
     */
    @Test
    void rewritingAGoldenFileReproducesItsDataBuffer() throws IOException {
        for (Path file : goldenFiles()) {
            SafeTensorsFile original = SafeTensors.read(file);
            SafeTensorsWriter writer = new SafeTensorsWriter();
            original.metadata().forEach(writer::metadata);
            for (String name : original.names()) {
                writer.put(name, original.f32(name));
            }
            Path copy = dir.resolve(file.getFileName());
            writer.write(copy);

            byte[] a = Files.readAllBytes(file);
            byte[] b = Files.readAllBytes(copy);
            int dataA = (int) (8 + headerLength(file));
            int dataB = (int) (8 + headerLength(copy));
            assertArrayEquals(Arrays.copyOfRange(a, dataA, a.length), Arrays.copyOfRange(b, dataB, b.length),
                    file.toString());
            SafeTensorsFile reread = SafeTensors.read(copy);
            assertEquals(original.metadata(), reread.metadata());
            for (String name : original.names()) {
                assertEquals(original.info(name), reread.info(name), name);
            }
        }
    }

    private static long headerLength(Path file) throws IOException {
        byte[] eight = new byte[8];
        try (var in = Files.newInputStream(file)) {
            assertEquals(8, in.readNBytes(eight, 0, 8));
        }
        return ByteBuffer.wrap(eight).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
