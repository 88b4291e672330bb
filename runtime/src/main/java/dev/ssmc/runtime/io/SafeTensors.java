package dev.ssmc.runtime.io;

import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads safetensors files: an 8-byte little-endian unsigned header length N, N bytes of UTF-8
 * JSON, then the data buffer.
 *
 * <p>{@link #read(Path)} reads and checks the whole header, and nothing else, so a malformed
 * file fails here rather than halfway through loading a network. It checks that the header
 * length fits in the file and is at most {@value #MAX_HEADER_BYTES} bytes (the reference
 * library's limit, so a corrupt length is never allocated), that the header is strict JSON
 * (one object, no duplicate keys), that every entry has a known dtype, a shape of
 * non-negative integers and {@code data_offsets [begin, end]} with {@code begin <= end}, that
 * {@code end - begin} is exactly what the dtype and shape need, and that the tensors cover the
 * data buffer exactly: no overlaps, no holes, no trailing bytes, as the format's specification
 * requires. Keys other than dtype, shape and data_offsets inside an entry are ignored, as the
 * reference library does. {@code __metadata__}, if present, must map strings to strings.
 */
public final class SafeTensors {
    /** The largest header accepted, as in the reference implementation (100 MB). */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final String METADATA_KEY = "__metadata__";
    private static final Pattern JSON_INTEGER = Pattern.compile("-?(0|[1-9][0-9]*)");

    private SafeTensors() {
    }

    /**
     * Reads and validates the header of {@code file}; tensor data is read later, on demand, by
     * the returned {@link SafeTensorsFile}.
     *
     * @throws SafeTensorsException if the file is not a well-formed safetensors file; the
     *     message names the file, the tensor if one is at fault, and the numbers involved
     * @throws IOException if the file cannot be read
     */
    public static SafeTensorsFile read(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long fileSize = channel.size();
            if (fileSize < 8) {
                throw SafeTensorsException.ofFile(file, "the file has " + fileSize
                        + " bytes, too few for the 8-byte header length");
            }
            long headerLength = FileChannels.readFully(channel, 0, 8).getLong();
            // Checked as unsigned and against the file before anything is allocated, so a corrupt
            // length (say 2^31 in a 100-byte file) fails at once.
            if (Long.compareUnsigned(headerLength, fileSize - 8) > 0) {
                throw SafeTensorsException.ofFile(file, "header length " + Long.toUnsignedString(headerLength)
                        + " is larger than the " + (fileSize - 8) + " bytes after it (file size " + fileSize
                        + "); the file is truncated or not a safetensors file");
            }
            if (headerLength > MAX_HEADER_BYTES) {
                throw SafeTensorsException.ofFile(file, "header length " + headerLength
                        + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
            }
            ByteBuffer headerBytes;
            try {
                headerBytes = FileChannels.readFully(channel, 8, (int) headerLength);
            } catch (EOFException e) {
                throw SafeTensorsException.ofFile(file, "the header ended early: " + e.getMessage()
                        + " (the file shrank while being read?)");
            }
            long dataStart = 8 + headerLength;
            return parseHeader(file, decodeUtf8(file, headerBytes), fileSize, dataStart);
        }
    }

    private static String decodeUtf8(Path file, ByteBuffer bytes) throws SafeTensorsException {
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes);
            return chars.toString();
        } catch (CharacterCodingException e) {
            throw SafeTensorsException.ofFile(file, "the header is not valid UTF-8 (" + e.getMessage() + ")");
        }
    }

    private static SafeTensorsFile parseHeader(Path file, String json, long fileSize, long dataStart)
            throws SafeTensorsException {
        Map<String, Json> entries = parseTopLevelObject(file, json);
        long dataLength = fileSize - dataStart;
        Map<String, String> metadata = new TreeMap<>();
        List<TensorInfo> tensors = new ArrayList<>();
        for (Map.Entry<String, Json> entry : entries.entrySet()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                metadata = parseMetadata(file, entry.getValue());
            } else {
                tensors.add(parseTensor(file, entry.getKey(), entry.getValue(), dataLength));
            }
        }
        checkCoverage(file, tensors, dataLength);
        return new SafeTensorsFile(file, fileSize, dataStart, metadata, tensors);
    }

    /**
     * Parses the header as one strict JSON object. A key given twice, at any depth, is an error instead of
     * the last one silently winning.
     */
    private static Map<String, Json> parseTopLevelObject(Path file, String json) throws SafeTensorsException {
        String other = startsWith(json.stripLeading());
        if (!other.isEmpty()) {
            throw SafeTensorsException.ofFile(file, "the header is not a JSON object; it starts with " + other);
        }
        try {
            return ((Json.Obj) Json.parse(json)).members();
        } catch (JsonSyntaxException.TrailingText e) {
            throw SafeTensorsException.ofFile(file, "the header has more text after its JSON object"
                    + " (only spaces may pad it)");
        } catch (JsonSyntaxException.DuplicateKey e) {
            throw e.depth() == 1
                    ? new SafeTensorsException(file, e.key(), "the header names it more than once")
                    : SafeTensorsException.ofFile(file, "the header has the key '" + e.key() + "' twice at " + e.path());
        } catch (JsonSyntaxException e) {
            throw new SafeTensorsException(file, null, "the header is not valid JSON: " + e.getMessage(), e);
        }
    }

    /** What kind of JSON value other than an object {@code text} begins, or "" if an object or none. */
    private static String startsWith(String text) {
        char c = text.isEmpty() ? ' ' : text.charAt(0);
        if (c == '[') {
            return "an array";
        } else if (c == '"') {
            return "a string";
        } else if (c == '-' || (c >= '0' && c <= '9')) {
            return "a number";
        } else if (text.startsWith("true") || text.startsWith("false")) {
            return "a boolean";
        }
        return text.startsWith("null") ? "null" : "";
    }

    private static Map<String, String> parseMetadata(Path file, Json value) throws SafeTensorsException {
        if (!(value instanceof Json.Obj object)) {
            throw SafeTensorsException.ofFile(file, METADATA_KEY + " is " + describe(value)
                    + ", but it must be an object of strings");
        }
        Map<String, String> metadata = new TreeMap<>();
        for (Map.Entry<String, Json> e : object.members().entrySet()) {
            if (!(e.getValue() instanceof Json.Str v)) {
                throw SafeTensorsException.ofFile(file, METADATA_KEY + " key '" + e.getKey() + "' has "
                        + describe(e.getValue()) + ", but metadata values must be strings");
            }
            metadata.put(e.getKey(), v.value());
        }
        return metadata;
    }

    private static TensorInfo parseTensor(Path file, String name, Json value, long dataLength)
            throws SafeTensorsException {
        if (!(value instanceof Json.Obj entry)) {
            throw new SafeTensorsException(file, name, "the entry is " + describe(value)
                    + ", not an object with dtype, shape and data_offsets");
        }
        Json dtypeJson = required(file, name, entry, "dtype");
        if (!(dtypeJson instanceof Json.Str dtypeString)) {
            throw new SafeTensorsException(file, name, "dtype is " + describe(dtypeJson) + ", not a string");
        }
        String spelling = dtypeString.value();
        DType dtype = DType.fromSpelling(spelling).orElseThrow(() -> new SafeTensorsException(file, name,
                "unknown dtype '" + spelling + "' (supported: " + DType.supportedSpellings() + ")"));

        long[] shape = nonNegativeIntegers(file, name, "shape", required(file, name, entry, "shape"));

        Json offsetsJson = required(file, name, entry, "data_offsets");
        long[] offsets = nonNegativeIntegers(file, name, "data_offsets", offsetsJson);
        if (offsets.length != 2) {
            throw new SafeTensorsException(file, name, "data_offsets " + offsetsJson
                    + " has " + offsets.length + " numbers, not 2 ([begin, end])");
        }
        long begin = offsets[0];
        long end = offsets[1];
        String offsetsText = "data_offsets [" + begin + ", " + end + "]";
        if (begin > end) {
            throw new SafeTensorsException(file, name, offsetsText + ": begin " + begin + " is after end " + end);
        }
        long held = end - begin;
        String need = "dtype " + dtype + " and shape " + Arrays.toString(shape) + " need ";
        long needed = neededBytes(shape, dtype);
        if (needed < 0) {
            throw new SafeTensorsException(file, name, offsetsText + " hold " + held + " bytes but "
                    + need + "more than " + Long.MAX_VALUE);
        }
        if (needed != held) {
            throw new SafeTensorsException(file, name, offsetsText + " hold " + held + " bytes but "
                    + need + needed + " (" + (needed / dtype.byteSize()) + " elements of " + dtype.byteSize()
                    + " bytes)");
        }
        if (end > dataLength) {
            throw new SafeTensorsException(file, name, offsetsText + " end past the data buffer, which has "
                    + dataLength + " bytes");
        }
        return new TensorInfo(name, dtype, shape, begin, end);
    }

    /** dtype size × product(shape), or -1 if that overflows a long. */
    private static long neededBytes(long[] shape, DType dtype) {
        try {
            long n = dtype.byteSize();
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        } catch (ArithmeticException e) {
            for (long d : shape) {
                if (d == 0) {
                    return 0; // a zero dimension makes the product 0, however large the others are
                }
            }
            return -1;
        }
    }

    private static Json required(Path file, String name, Json.Obj entry, String key)
            throws SafeTensorsException {
        Json v = entry.get(key);
        if (v == null) {
            throw new SafeTensorsException(file, name, "the entry has no '" + key + "' (it has "
                    + entry.members().keySet() + ")");
        }
        return v;
    }

    private static long[] nonNegativeIntegers(Path file, String name, String key, Json json)
            throws SafeTensorsException {
        if (!(json instanceof Json.Arr array)) {
            throw new SafeTensorsException(file, name, key + " is " + describe(json) + ", not an array of integers");
        }
        long[] values = new long[array.items().size()];
        for (int i = 0; i < values.length; i++) {
            Json e = array.items().get(i);
            String text = e instanceof Json.Num n ? n.text() : null;
            if (text == null || !JSON_INTEGER.matcher(text).matches()) {
                throw new SafeTensorsException(file, name, key + " " + json + " has " + describe(e)
                        + " at index " + i + ", not an integer");
            }
            BigInteger v = new BigInteger(text);
            if (v.signum() < 0) {
                throw new SafeTensorsException(file, name, key + " " + json + " has the negative value "
                        + v + " at index " + i);
            }
            if (v.bitLength() > 63) {
                throw new SafeTensorsException(file, name, key + " " + json + " has " + v + " at index " + i
                        + ", larger than " + Long.MAX_VALUE);
            }
            values[i] = v.longValue();
        }
        return values;
    }

    /**
     * The tensors must tile the data buffer: sorted by offsets, each begins where the previous
     * ended, and the last ends at the end of the buffer. Empty tensors sit anywhere between two
     * others.
     */
    private static void checkCoverage(Path file, List<TensorInfo> tensors, long dataLength)
            throws SafeTensorsException {
        List<TensorInfo> byOffset = new ArrayList<>(tensors);
        byOffset.sort(Comparator.comparingLong(TensorInfo::begin).thenComparingLong(TensorInfo::end)
                .thenComparing(TensorInfo::name));
        long covered = 0;
        TensorInfo previous = null;
        for (TensorInfo t : byOffset) {
            if (t.begin() < covered) {
                throw new SafeTensorsException(file, t.name(), "data_offsets [" + t.begin() + ", " + t.end()
                        + "] overlap tensor '" + previous.name() + "' at [" + previous.begin() + ", "
                        + previous.end() + "]");
            }
            if (t.begin() > covered) {
                throw SafeTensorsException.ofFile(file, "bytes [" + covered + ", " + t.begin()
                        + ") of the data buffer belong to no tensor (a hole before tensor '" + t.name()
                        + "'); the format requires the tensors to cover the buffer exactly");
            }
            if (previous == null || t.end() > covered) {
                previous = t;
            }
            covered = Math.max(covered, t.end());
        }
        if (covered != dataLength) {
            throw SafeTensorsException.ofFile(file, "the data buffer has " + dataLength + " bytes but the tensors "
                    + "cover only the first " + covered + "; " + (dataLength - covered)
                    + " trailing bytes belong to no tensor (truncated header, or extra data appended?)");
        }
    }

    private static String describe(Json e) {
        String kind;
        if (e instanceof Json.Null) {
            return "null";
        } else if (e instanceof Json.Obj) {
            kind = "the object ";
        } else if (e instanceof Json.Arr) {
            kind = "the array ";
        } else if (e instanceof Json.Str) {
            kind = "the string ";
        } else if (e instanceof Json.Num) {
            kind = "the number ";
        } else {
            kind = "the boolean ";
        }
        String text = e.toString();
        return kind + (text.length() > 60 ? text.substring(0, 57) + "..." : text);
    }
}
