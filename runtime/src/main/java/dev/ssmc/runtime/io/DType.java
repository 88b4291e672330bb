package dev.ssmc.runtime.io;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The element types of a safetensors file that this runtime understands, with their spelling in
 * the header and their size in bytes. All multi-byte types are little-endian in the file.
 *
 * <p>F32, F64 and I64 can be written and read as they are; the others are read only, through
 * {@link SafeTensorsFile#toF32(String)}.
 */
public enum DType {
    BOOL(1),
    U8(1),
    I8(1),
    I16(2),
    I32(4),
    I64(8),
    F16(2),
    BF16(2),
    F32(4),
    F64(8);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** The size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** The spelling in a safetensors header, e.g. {@code "F32"}. */
    public String spelling() {
        return name();
    }

    /** The type spelled {@code spelling} in a header (case-sensitive, as the format is), if supported. */
    public static Optional<DType> fromSpelling(String spelling) {
        for (DType t : values()) {
            if (t.name().equals(spelling)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The supported spellings, comma-separated, for error messages. */
    static String supportedSpellings() {
        return Arrays.stream(values()).map(DType::spelling).collect(Collectors.joining(", "));
    }
}
