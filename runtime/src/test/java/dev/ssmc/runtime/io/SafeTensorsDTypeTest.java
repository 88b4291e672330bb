package dev.ssmc.runtime.io;

import static dev.ssmc.runtime.io.RawSafeTensors.bytes;
import static dev.ssmc.runtime.io.RawSafeTensors.concat;
import static dev.ssmc.runtime.io.RawSafeTensors.integers;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read-only dtypes, converted by {@link SafeTensorsFile#toF32}. */
class SafeTensorsDTypeTest {
    @TempDir
    Path dir;

    @Test
    void dtypeSizesAndSpellings() {
        assertEquals(4, DType.F32.byteSize());
        assertEquals(8, DType.F64.byteSize());
        assertEquals(8, DType.I64.byteSize());
        assertEquals(2, DType.BF16.byteSize());
        assertEquals(1, DType.BOOL.byteSize());
        assertEquals(DType.BF16, DType.fromSpelling("BF16").orElseThrow());
        assertTrue(DType.fromSpelling("f32").isEmpty(), "spellings are case-sensitive, as in the format");
        assertTrue(DType.fromSpelling("F8_E5M2").isEmpty());
    }

    @Test
    void readsEveryNarrowDtypeAsFloat() throws IOException {
        byte[] f16 = integers(2, 0x3C00, 0xC000, 0x7BFF, 0x0001, 0x8000, 0x7C00, 0x3555);
        byte[] bf16 = integers(2, 0x3F80, 0xC0A0, 0x4049);
        byte[] i32 = integers(4, Integer.MIN_VALUE, -1, 7);
        byte[] i16 = integers(2, -32768, 300);
        byte[] i8 = bytes(-128, 127);
        byte[] u8 = bytes(0, 200, 255);
        byte[] bool = bytes(0, 1, 2);
        int[] ends = new int[7];
        byte[][] parts = {f16, bf16, i32, i16, i8, u8, bool};
        int at = 0;
        for (int i = 0; i < parts.length; i++) {
            at += parts[i].length;
            ends[i] = at;
        }
        Path file = RawSafeTensors.write(dir.resolve("narrow.safetensors"), "{"
                + "'f16':{'dtype':'F16','shape':[7],'data_offsets':[0," + ends[0] + "]},"
                + "'bf16':{'dtype':'BF16','shape':[3],'data_offsets':[" + ends[0] + "," + ends[1] + "]},"
                + "'i32':{'dtype':'I32','shape':[3],'data_offsets':[" + ends[1] + "," + ends[2] + "]},"
                + "'i16':{'dtype':'I16','shape':[2],'data_offsets':[" + ends[2] + "," + ends[3] + "]},"
                + "'i8':{'dtype':'I8','shape':[2],'data_offsets':[" + ends[3] + "," + ends[4] + "]},"
                + "'u8':{'dtype':'U8','shape':[1,3],'data_offsets':[" + ends[4] + "," + ends[5] + "]},"
                + "'bool':{'dtype':'BOOL','shape':[3],'data_offsets':[" + ends[5] + "," + ends[6] + "]}}",
                concat(parts));
        SafeTensorsFile read = SafeTensors.read(file);

        assertArrayEquals(new float[] {1f, -2f, 65504f, 0x1p-24f, -0f, Float.POSITIVE_INFINITY, 0.333251953125f},
                read.toF32("f16").data());
        assertArrayEquals(new float[] {1f, -5f, 3.140625f}, read.toF32("bf16").data());
        assertArrayEquals(new float[] {-2147483648f, -1f, 7f}, read.toF32("i32").data());
        assertArrayEquals(new float[] {-32768f, 300f}, read.toF32("i16").data());
        assertArrayEquals(new float[] {-128f, 127f}, read.toF32("i8").data());
        assertArrayEquals(new int[] {1, 3}, read.toF32("u8").shape());
        assertArrayEquals(new float[] {0f, 200f, 255f}, read.toF32("u8").data());
        assertArrayEquals(new float[] {0f, 1f, 1f}, read.toF32("bool").data());

        SafeTensorsException strict = assertThrows(SafeTensorsException.class, () -> read.f32("f16"));
        assertTrue(strict.getMessage().endsWith("tensor 'f16': has dtype F16 but f32() reads only F32; toF32() "
                + "converts it, rounding to float"), strict.getMessage());
    }

    /** Every one of the 65536 halves, against the textbook formula evaluated in double. */
    @Test
    void halfToFloatIsExactForEveryHalf() {
        for (int bits = 0; bits < 0x10000; bits++) {
            int exponent = (bits >> 10) & 0x1F;
            int mantissa = bits & 0x3FF;
            double sign = (bits & 0x8000) != 0 ? -1 : 1;
            double expected;
            if (exponent == 0x1F) {
                expected = mantissa == 0 ? sign * Double.POSITIVE_INFINITY : Double.NaN;
            } else if (exponent == 0) {
                expected = sign * mantissa * Math.pow(2, -24);
            } else {
                expected = sign * (1 + mantissa / 1024.0) * Math.pow(2, exponent - 15);
            }
            float actual = SafeTensorsFile.halfToFloat((short) bits);
            String half = "half 0x" + Integer.toHexString(bits);
            assertEquals((float) expected, actual, half);
            if (expected == 0) {
                assertEquals(sign < 0, Float.floatToRawIntBits(actual) < 0, half);
            }
        }
    }
}
