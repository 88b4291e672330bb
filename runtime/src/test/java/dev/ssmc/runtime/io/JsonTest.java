package dev.ssmc.runtime.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonParseException;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import dev.ssmc.runtime.testing.Generators;
import dev.ssmc.runtime.testing.Property;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;

/** The runtime's JSON reader and writer, checked against Gson (an independent implementation, tests only). */
class JsonTest {

    /** Strings with what must be escaped: quotes, backslashes, control characters, line separators. */
    private static final Gen<String> STRINGS = Generators.strings(
            Generators.alphabet('a', 'e', "\"\\/\n\t\r\b\f\u0001\u001f é∑\u2028\u2029{}[],:"), 0, 8);

    private static Json value(RandomnessSource in, int depth) {
        int kind = integers().between(0, depth > 0 ? 7 : 5).generate(in);
        return switch (kind) {
            case 0 -> new Json.Str(STRINGS.generate(in));
            case 1 -> Json.Num.of(doubles().between(-1e300, 1e300).generate(in));
            case 2 -> Json.Num.of(longs().all().generate(in));
            case 3 -> new Json.Bool(integers().between(0, 1).generate(in) == 1);
            case 4 -> new Json.Null();
            case 5 -> Json.Num.of(integers().between(-3, 3).generate(in));
            case 6 -> {
                List<Json> items = new ArrayList<>();
                for (int i = integers().between(0, 4).generate(in); i > 0; i--) {
                    items.add(value(in, depth - 1));
                }
                yield new Json.Arr(items);
            }
            default -> {
                Map<String, Json> members = new LinkedHashMap<>();
                for (int i = integers().between(0, 4).generate(in); i > 0; i--) {
                    members.put(STRINGS.generate(in), value(in, depth - 1));
                }
                yield new Json.Obj(members);
            }
        };
    }

    @Test
    void whatIsWrittenReadsBackAndGsonReadsTheSame() {
        Property.forAll(400, in -> value(in, 3), v -> {
            assertEquals(v, Json.parse(v.toString()));
            assertEquals(v, Json.parse(v.pretty()));
            JsonElement gson = strictGson(v.toString());
            assertEquals(v, fromGson(gson));
            // the layout is Gson's pretty printing: files written before (profiles) look the same
            assertEquals(new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create().toJson(gson), v.pretty());
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "{", "[1,]", "{\"a\":1,}", "{a:1}", "{'a':1}", "[NaN]", "[01]", "[1.]", "[.5]",
        "[-]", "[1e]", "\"\\x\"", "\"\\u12g4\"", "\"a\nb\"", "[tru]", "{\"a\" 1}", "[1 2]", "{} {}", "1 x", "/* */ 1",
        "[\"a\"", "\"abc"})
    void malformedTextIsRefusedAsGsonRefusesIt(String text) {
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class, () -> Json.parse(text));
        assertEquals(true, e.getMessage().matches(".+ at line [0-9]+ column [0-9]+ path \\$.*"), e.getMessage());
        assertThrows(Exception.class, () -> strictGson(text), "Gson accepts " + text);
    }

    @Test
    void errorsSayLineColumnAndPath() {
        assertEquals("malformed JSON at line 1 column 15 path $.a.dtype",
                assertThrows(JsonSyntaxException.class, () -> Json.parse("{\"a\":{\"dtype\":F32}}")).getMessage());
        assertEquals("malformed JSON at line 3 column 5 path $.b[1]",
                assertThrows(JsonSyntaxException.class, () -> Json.parse("{\"a\": 1,\n\"b\": [2,\n    x]}")).getMessage());
        assertEquals("End of input at line 2 column 3 path $.a",
                assertThrows(JsonSyntaxException.class, () -> Json.parse("{\"a\":\n[]")).getMessage());
    }

    @Test
    void aKeyGivenTwiceIsRefusedWithItsDepth() {
        JsonSyntaxException.DuplicateKey top = assertThrows(JsonSyntaxException.DuplicateKey.class,
                () -> Json.parse("{\"a\":1,\"b\":2,\"a\":3}"));
        assertEquals("a", top.key());
        assertEquals(1, top.depth());
        assertEquals("$.a", top.path());
        JsonSyntaxException.DuplicateKey inner = assertThrows(JsonSyntaxException.DuplicateKey.class,
                () -> Json.parse("[{\"x\":{\"k\":1,\"k\":1}}]"));
        assertEquals(2, inner.depth());
        assertEquals("$[0].x.k", inner.path());
    }

    @Test
    void nestingBeyondTheLimitIsAnErrorNotAStackOverflow() throws JsonSyntaxException {
        String deepest = "[".repeat(JsonParser.MAX_NESTING) + "]".repeat(JsonParser.MAX_NESTING);
        assertEquals(deepest, Json.parse(deepest).toString());
        JsonSyntaxException e = assertThrows(JsonSyntaxException.class,
                () -> Json.parse("[".repeat(1_000_000) + "]".repeat(1_000_000)));
        assertTrue(e.getMessage().startsWith("objects and arrays nested deeper than " + JsonParser.MAX_NESTING
                + " at line 1 column " + (JsonParser.MAX_NESTING + 1)), e.getMessage());
    }

    @Test
    void numbersKeepTheirText() throws JsonSyntaxException {
        Json.Arr a = (Json.Arr) Json.parse("[9223372036854775808, -0, 1E+2, 2.50]");
        assertEquals(List.of("9223372036854775808", "-0", "1E+2", "2.50"),
                a.items().stream().map(Json::toString).toList());
        assertEquals(100.0, ((Json.Num) a.items().get(2)).doubleValue());
        assertThrows(IllegalArgumentException.class, () -> Json.Num.of(Double.NaN));
    }

    private static JsonElement strictGson(String text) throws IOException {
        JsonReader reader = new JsonReader(new StringReader(text));
        reader.setStrictness(Strictness.STRICT);
        reader.peek(); // Gson's parser reads an empty text as null; peeking refuses it
        JsonElement e = com.google.gson.JsonParser.parseReader(reader);
        if (reader.peek() != com.google.gson.stream.JsonToken.END_DOCUMENT) {
            throw new JsonParseException("more text");
        }
        return e;
    }

    private static Json fromGson(JsonElement e) {
        if (e.isJsonObject()) {
            Map<String, Json> m = new LinkedHashMap<>();
            e.getAsJsonObject().entrySet().forEach(x -> m.put(x.getKey(), fromGson(x.getValue())));
            return new Json.Obj(m);
        } else if (e.isJsonArray()) {
            List<Json> items = new ArrayList<>();
            e.getAsJsonArray().forEach(x -> items.add(fromGson(x)));
            return new Json.Arr(items);
        } else if (e.isJsonNull()) {
            return new Json.Null();
        } else if (e.getAsJsonPrimitive().isString()) {
            return new Json.Str(e.getAsString());
        } else if (e.getAsJsonPrimitive().isBoolean()) {
            return new Json.Bool(e.getAsBoolean());
        }
        return new Json.Num(e.getAsString());
    }
}
