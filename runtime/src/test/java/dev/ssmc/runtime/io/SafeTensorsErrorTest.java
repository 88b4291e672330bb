package dev.ssmc.runtime.io;

import static dev.ssmc.runtime.io.RawSafeTensors.bytes;
import static dev.ssmc.runtime.io.RawSafeTensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.ssmc.runtime.tensor.Tensor;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every way a file can be wrong fails in {@link SafeTensors#read} with a message naming the file, the tensor and the numbers. */
class SafeTensorsErrorTest {
    @TempDir
    Path dir;

    private Path file;

    private SafeTensorsException readFails(Path path) {
        return assertThrows(SafeTensorsException.class, () -> SafeTensors.read(path));
    }

    /** Writes a file with this header and data, reads it, and returns the message after "file: ". */
    private String problemWith(String header, byte[] data) throws IOException {
        file = RawSafeTensors.write(dir.resolve("bad.safetensors"), header, data);
        String message = readFails(file).getMessage();
        assertTrue(message.startsWith(file + ": "), message);
        return message.substring((file + ": ").length());
    }

    /** A valid file of three tensors: a [0, 8), b [8, 20), c [20, 24), with a 136-byte header. */
    private Path validFile() throws IOException {
        Path valid = dir.resolve("valid.safetensors");
        new SafeTensorsWriter().metadata("kind", "layer")
                .put("a", Tensor.of(new float[] {1, 2}, 2))
                .put("b", Tensor.of(new float[] {3, 4, 5}, 3))
                .put("c", Tensor.of(new float[] {6}, 1))
                .write(valid);
        return valid;
    }

    private static long headerLength(byte[] file) {
        return ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    @Test
    void fileTooShortForTheHeaderLength() throws IOException {
        file = Files.write(dir.resolve("tiny.safetensors"), new byte[5]);
        assertEquals(file + ": the file has 5 bytes, too few for the 8-byte header length", readFails(file).getMessage());
    }

    @Test
    void fileCutInsideTheHeader() throws IOException {
        byte[] whole = Files.readAllBytes(validFile());
        long headerLength = headerLength(whole);
        file = Files.write(dir.resolve("cut-header.safetensors"), Arrays.copyOf(whole, 40));
        assertEquals(file + ": header length " + headerLength + " is larger than the 32 bytes after it (file size 40);"
                + " the file is truncated or not a safetensors file", readFails(file).getMessage());
    }

    @Test
    void fileCutInsideTheData() throws IOException {
        byte[] whole = Files.readAllBytes(validFile());
        long dataStart = 8 + headerLength(whole);
        file = Files.write(dir.resolve("cut-data.safetensors"), Arrays.copyOf(whole, (int) dataStart + 10));
        assertEquals(file + ": tensor 'b': data_offsets [8, 20] end past the data buffer, which has 10 bytes",
                readFails(file).getMessage());
    }

    @Test
    void dataOffsetsPastTheEndOfTheBuffer() throws IOException {
        assertEquals("tensor 'w': data_offsets [4, 12] end past the data buffer, which has 8 bytes",
                problemWith("{'v':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                        + "'w':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}", floats(1, 2)));
    }

    @Test
    void headerLengthBeyondTheFileSize() throws IOException {
        file = RawSafeTensors.write(dir.resolve("long-header.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8),
                new byte[90]);
        assertEquals(file + ": header length 1000 is larger than the 92 bytes after it (file size 100);"
                + " the file is truncated or not a safetensors file", readFails(file).getMessage());
    }

    @Test
    void headerLengthOf2GiBInA100ByteFileFailsAtOnce() throws IOException {
        file = RawSafeTensors.write(dir.resolve("2gb.safetensors"), 1L << 31, new byte[92], new byte[0]);
        // A reader that allocated the declared length first would take seconds or run out of memory.
        SafeTensorsException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> readFails(file));
        assertEquals(file + ": header length 2147483648 is larger than the 92 bytes after it (file size 100);"
                + " the file is truncated or not a safetensors file", e.getMessage());
    }

    @Test
    void headerLengthWithTheTopBitSetIsReadAsUnsigned() throws IOException {
        file = RawSafeTensors.write(dir.resolve("huge.safetensors"), -1L, new byte[92], new byte[0]);
        assertTrue(readFails(file).getMessage().startsWith(file + ": header length 18446744073709551615 is larger"));
    }

    @Test
    void headerLengthAboveTheLimitIsRejectedEvenInALargeFile() throws IOException {
        file = RawSafeTensors.write(dir.resolve("sparse.safetensors"), 150_000_000L, new byte[0], new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(200_000_000L); // sparse: no 200 MB is written or read
        }
        SafeTensorsException e = assertTimeoutPreemptively(Duration.ofSeconds(2), () -> readFails(file));
        assertEquals(file + ": header length 150000000 exceeds the limit of 100000000 bytes", e.getMessage());
    }

    @Test
    void overlappingTensorsNameBoth() throws IOException {
        assertEquals("tensor 'b': data_offsets [4, 12] overlap tensor 'a' at [0, 8]",
                problemWith("{'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
                        + "'b':{'dtype':'F32','shape':[2],'data_offsets':[4,12]}}", floats(1, 2, 3)));
    }

    @Test
    void twoTensorsOnTheSameBytesOverlap() throws IOException {
        assertEquals("tensor 'b': data_offsets [0, 8] overlap tensor 'a' at [0, 8]",
                problemWith("{'b':{'dtype':'F32','shape':[2],'data_offsets':[0,8]},"
                        + "'a':{'dtype':'F32','shape':[2],'data_offsets':[0,8]}}", floats(1, 2)));
    }

    @Test
    void aHoleBetweenTensors() throws IOException {
        assertEquals("bytes [4, 8) of the data buffer belong to no tensor (a hole before tensor 'b'); the format "
                        + "requires the tensors to cover the buffer exactly",
                problemWith("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                        + "'b':{'dtype':'F32','shape':[1],'data_offsets':[8,12]}}", floats(1, 2, 3)));
    }

    @Test
    void trailingBytesAfterTheLastTensor() throws IOException {
        assertEquals("the data buffer has 8 bytes but the tensors cover only the first 4; 4 trailing bytes belong "
                        + "to no tensor (truncated header, or extra data appended?)",
                problemWith("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}", floats(1, 2)));
    }

    @Test
    void emptyTensorsMayLieBetweenOthers() throws IOException {
        file = RawSafeTensors.write(dir.resolve("empties.safetensors"),
                "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},'e':{'dtype':'F64','shape':[0,5],"
                        + "'data_offsets':[4,4]},'b':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}",
                floats(1, 2));
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(0, read.f64("e").length);
        assertEquals(2f, read.f32("b").data()[0]);
    }

    @Test
    void byteCountDisagreeingWithDtypeAndShape() throws IOException {
        assertEquals("tensor 'state.A': data_offsets [0, 92] hold 92 bytes but dtype F32 and shape [3, 4, 2] need 96 "
                        + "(24 elements of 4 bytes)",
                problemWith("{'state.A':{'dtype':'F32','shape':[3,4,2],'data_offsets':[0,92]}}", new byte[92]));
    }

    @Test
    void shapeWhoseByteCountOverflows() throws IOException {
        assertEquals("tensor 't': data_offsets [0, 4] hold 4 bytes but dtype F64 and shape [4611686018427387904, 4] "
                        + "need more than 9223372036854775807",
                problemWith("{'t':{'dtype':'F64','shape':[4611686018427387904,4],'data_offsets':[0,4]}}",
                        new byte[4]));
    }

    @Test
    void unknownDtypeListsTheSupportedOnes() throws IOException {
        assertEquals("tensor 'q': unknown dtype 'F8_E4M3' (supported: BOOL, U8, I8, I16, I32, I64, F16, BF16, F32, F64)",
                problemWith("{'q':{'dtype':'F8_E4M3','shape':[1],'data_offsets':[0,1]}}", new byte[1]));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}",
        "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4],}}",
        "{a:{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}",
        "{'a':{'dtype':F32,'shape':[1],'data_offsets':[0,4]}}",
        "{'a':{'dtype':'F32','shape':[NaN],'data_offsets':[0,4]}}",
        "{'a':{'dtype':'F32' 'shape':[1],'data_offsets':[0,4]}}",
        "",
    })
    void malformedJson(String header) throws IOException {
        String problem = problemWith(header, floats(1));
        assertTrue(problem.matches("the header is not valid JSON: .* at line 1 column [0-9]+ path .*"), problem);
        assertTrue(!problem.contains("setStrictness") && !problem.contains("https:"), problem);
    }

    @Test
    void malformedJsonSaysWhere() throws IOException {
        assertEquals("the header is not valid JSON: malformed JSON at line 1 column 15 path $.a.dtype",
                problemWith("{'a':{'dtype':F32,'shape':[1],'data_offsets':[0,4]}}", floats(1)));
        assertEquals("the header is not valid JSON: End of input at line 1 column 54 path $.a",
                problemWith("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}", floats(1)));
    }

    @Test
    void singleQuotedJsonIsNotAccepted() throws IOException {
        byte[] header = "{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]}}".getBytes(StandardCharsets.UTF_8);
        file = RawSafeTensors.write(dir.resolve("quotes.safetensors"), header.length, header, floats(1));
        assertTrue(readFails(file).getMessage().startsWith(file + ": the header is not valid JSON: "));
    }

    @Test
    void headerThatIsNotAnObject() throws IOException {
        assertEquals("the header is not a JSON object; it starts with an array", problemWith("[1, 2]", new byte[0]));
    }

    @Test
    void jsonAfterTheHeaderObject() throws IOException {
        assertEquals("the header has more text after its JSON object (only spaces may pad it)",
                problemWith("{} {}", new byte[0]));
        assertEquals("the header has more text after its JSON object (only spaces may pad it)",
                problemWith("{}   x", new byte[0]));
        assertEquals(0, SafeTensors.read(RawSafeTensors.write(dir.resolve("padded.safetensors"), "{}      ",
                new byte[0])).names().size(), "trailing spaces are padding");
    }

    @Test
    void headerThatIsNotUtf8() throws IOException {
        byte[] header = RawSafeTensors.concat("{\"".getBytes(StandardCharsets.UTF_8), bytes(0xC3, 0x28),
                "\":{}}".getBytes(StandardCharsets.UTF_8));
        file = RawSafeTensors.write(dir.resolve("latin.safetensors"), header.length, header, new byte[0]);
        assertTrue(readFails(file).getMessage().startsWith(file + ": the header is not valid UTF-8"));
    }

    @Test
    void aTensorNamedTwice() throws IOException {
        assertEquals("tensor 'a': the header names it more than once",
                problemWith("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                        + "'a':{'dtype':'F32','shape':[1],'data_offsets':[4,8]}}", floats(1, 2)));
    }

    @Test
    void aKeyGivenTwiceInsideAnEntryOrTheMetadata() throws IOException {
        assertEquals("the header has the key 'dtype' twice at $.a.dtype",
                problemWith("{'a':{'dtype':'F32','shape':[1],'dtype':'F64','data_offsets':[0,4]}}", floats(1)));
        assertEquals("the header has the key 'kind' twice at $.__metadata__.kind",
                problemWith("{'__metadata__':{'kind':'layer','kind':'network'}}", new byte[0]));
    }

    @Test
    void negativeDimension() throws IOException {
        assertEquals("tensor 'a': shape [2,-3] has the negative value -3 at index 1",
                problemWith("{'a':{'dtype':'F32','shape':[2,-3],'data_offsets':[0,4]}}", floats(1)));
    }

    static Stream<Arguments> badShapes() {
        return Stream.of(
                arguments("[2.5]", "shape [2.5] has the number 2.5 at index 0, not an integer"),
                arguments("[1e2]", "shape [1e2] has the number 1e2 at index 0, not an integer"),
                arguments("['2']", "shape [\"2\"] has the string \"2\" at index 0, not an integer"),
                arguments("[[2]]", "shape [[2]] has the array [2] at index 0, not an integer"),
                arguments("[null]", "shape [null] has null at index 0, not an integer"),
                arguments("3", "shape is the number 3, not an array of integers"),
                arguments("{'n':1}", "shape is the object {\"n\":1}, not an array of integers"),
                arguments("[99999999999999999999]",
                        "shape [99999999999999999999] has 99999999999999999999 at index 0, larger than 9223372036854775807"));
    }

    @ParameterizedTest
    @MethodSource("badShapes")
    void shapeThatIsNotAListOfNonNegativeIntegers(String shape, String expected) throws IOException {
        assertEquals("tensor 'a': " + expected,
                problemWith("{'a':{'dtype':'F32','shape':" + shape + ",'data_offsets':[0,4]}}", floats(1)));
    }

    static Stream<Arguments> entriesMissingAKey() {
        return Stream.of(
                arguments("{'shape':[1],'data_offsets':[0,4]}", "the entry has no 'dtype' (it has [shape, data_offsets])"),
                arguments("{'dtype':'F32','data_offsets':[0,4]}", "the entry has no 'shape' (it has [dtype, data_offsets])"),
                arguments("{'dtype':'F32','shape':[1]}", "the entry has no 'data_offsets' (it has [dtype, shape])"));
    }

    @ParameterizedTest
    @MethodSource("entriesMissingAKey")
    void entryMissingAKey(String entry, String expected) throws IOException {
        assertEquals("tensor 'a': " + expected, problemWith("{'a':" + entry + "}", floats(1)));
    }

    @Test
    void dtypeThatIsNotAString() throws IOException {
        assertEquals("tensor 'a': dtype is the number 32, not a string",
                problemWith("{'a':{'dtype':32,'shape':[1],'data_offsets':[0,4]}}", floats(1)));
    }

    @Test
    void entryThatIsNotAnObject() throws IOException {
        assertEquals("tensor 'a': the entry is the array [0,4], not an object with dtype, shape and data_offsets",
                problemWith("{'a':[0,4]}", floats(1)));
    }

    @Test
    void dataOffsetsWithThreeNumbers() throws IOException {
        assertEquals("tensor 'a': data_offsets [0,4,8] has 3 numbers, not 2 ([begin, end])",
                problemWith("{'a':{'dtype':'F32','shape':[1],'data_offsets':[0,4,8]}}", floats(1, 2)));
    }

    @Test
    void beginAfterEnd() throws IOException {
        assertEquals("tensor 'a': data_offsets [8, 4]: begin 8 is after end 4",
                problemWith("{'a':{'dtype':'F32','shape':[1],'data_offsets':[8,4]}}", floats(1, 2, 3)));
    }

    @Test
    void metadataValueThatIsNotAString() throws IOException {
        assertEquals("__metadata__ key 'seed' has the number 3, but metadata values must be strings",
                problemWith("{'__metadata__':{'kind':'layer','seed':3}}", new byte[0]));
    }

    @Test
    void metadataThatIsNotAnObject() throws IOException {
        assertEquals("__metadata__ is the string \"layer\", but it must be an object of strings",
                problemWith("{'__metadata__':'layer'}", new byte[0]));
    }

    @Test
    void missingTensorSuggestsCloseNames() throws IOException {
        file = RawSafeTensors.write(dir.resolve("names.safetensors"),
                "{'state.A':{'dtype':'F32','shape':[1],'data_offsets':[0,4]},"
                        + "'state.E':{'dtype':'F32','shape':[1],'data_offsets':[4,8]},"
                        + "'output':{'dtype':'F32','shape':[1],'data_offsets':[8,12]}}", floats(1, 2, 3));
        SafeTensorsFile read = SafeTensors.read(file);
        SafeTensorsException wrongCase = assertThrows(SafeTensorsException.class, () -> read.f32("state.a"));
        assertEquals(file + ": tensor 'state.a': no such tensor in the file; did you mean 'state.A' or 'state.E'?",
                wrongCase.getMessage());
        SafeTensorsException noPrefix = assertThrows(SafeTensorsException.class, () -> read.info("A"));
        assertEquals(file + ": tensor 'A': no such tensor in the file; did you mean 'state.A'?", noPrefix.getMessage());
        SafeTensorsException typo = assertThrows(SafeTensorsException.class, () -> read.f64("outptu"));
        assertEquals(file + ": tensor 'outptu': no such tensor in the file; did you mean 'output'?", typo.getMessage());
        SafeTensorsException nothingClose = assertThrows(SafeTensorsException.class, () -> read.i64("grad.input"));
        assertEquals(file + ": tensor 'grad.input': no such tensor in the file; the file has 3 tensors: output, "
                + "state.A, state.E", nothingClose.getMessage());
    }

    @Test
    void aFileChangedAfterItsHeaderWasReadIsNotReadFrom() throws IOException {
        Path valid = validFile();
        SafeTensorsFile read = SafeTensors.read(valid);
        long size = Files.size(valid);
        Files.write(valid, new byte[4], StandardOpenOption.APPEND);
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> read.f32("a"));
        assertEquals(valid + ": tensor 'a': the file has " + (size + 4) + " bytes now but had " + size
                + " when its header was read; it was changed, read it again", e.getMessage());
    }

    @Test
    void anEmptyTensorWithADimensionBeyondIntIsDescribedButNotRead() throws IOException {
        file = RawSafeTensors.write(dir.resolve("wide.safetensors"),
                "{'e':{'dtype':'F32','shape':[0,3000000000],'data_offsets':[0,0]}}", new byte[0]);
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(0, read.info("e").elementCount());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> read.f32("e"));
        assertEquals(file + ": tensor 'e': shape [0, 3000000000] has a dimension larger than 2147483647",
                e.getMessage());
    }

    @Test
    void aTensorLargerThanAJavaArrayIsDescribedButNotRead() throws IOException {
        file = RawSafeTensors.write(dir.resolve("huge-tensor.safetensors"),
                "{'t':{'dtype':'U8','shape':[3000000000],'data_offsets':[0,3000000000]}}", new byte[0]);
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(raf.length() + 3_000_000_000L); // sparse
        }
        SafeTensorsFile read = SafeTensors.read(file);
        assertEquals(3_000_000_000L, read.info("t").byteCount());
        SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> read.toF32("t"));
        assertEquals(file + ": tensor 't': shape [3000000000] has 3000000000 elements, more than a Java array holds",
                e.getMessage());
    }
}
