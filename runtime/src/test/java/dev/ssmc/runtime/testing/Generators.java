package dev.ssmc.runtime.testing;

import static org.quicktheories.generators.SourceDSL.lists;

import java.util.List;
import java.util.stream.Collectors;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Generators the properties need beyond QuickTheories' own ({@code SourceDSL}, {@code Generate}).
 * They draw everything from the source they are given, so QuickTheories shrinks what they make.
 */
public final class Generators {
    /** The float values that break naive code, mixed into {@link #withSpecialValues(Gen)}. */
    private static final List<Float> SPECIAL_FLOATS = List.of(Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, -0f, 0f);
    private static final List<Double> SPECIAL_DOUBLES = List.of(Double.NaN, Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY, Double.MIN_VALUE, Double.MIN_NORMAL, Double.MAX_VALUE, -0.0, 0.0);
    /** How often, in percent, a special value is drawn instead of an ordinary one. */
    private static final int SPECIAL_PERCENT = 10;

    private Generators() {
    }

    /** Strings of {@code min..max} characters, each drawn from {@code alphabet}. */
    public static Gen<String> strings(String alphabet, int min, int max) {
        List<Character> chars = alphabet.chars().mapToObj(c -> (char) c).collect(Collectors.toList());
        return lists().of(Generate.pick(chars)).ofSizeBetween(min, max)
                .map(cs -> cs.stream().map(String::valueOf).collect(Collectors.joining()));
    }

    /** The characters {@code from..to} followed by {@code others}, as an alphabet for {@link #strings}. */
    public static String alphabet(char from, char to, String others) {
        StringBuilder b = new StringBuilder();
        for (char c = from; c <= to; c++) {
            b.append(c);
        }
        return b.append(others).toString();
    }

    /** {@code values}, with NaN, the infinities, the smallest and largest magnitudes and signed zeros mixed in. */
    public static Gen<Float> withSpecialValues(Gen<Float> values) {
        return values.mix(Generate.pick(SPECIAL_FLOATS), SPECIAL_PERCENT);
    }

    /** {@code values}, with NaN, the infinities, the smallest and largest magnitudes and signed zeros mixed in. */
    public static Gen<Double> withSpecialDoubles(Gen<Double> values) {
        return values.mix(Generate.pick(SPECIAL_DOUBLES), SPECIAL_PERCENT);
    }

    /** Arrays of {@code n} floats drawn from {@code values}. */
    public static Gen<float[]> floatArrays(Gen<Float> values, int n) {
        return lists().of(values).ofSize(n).map(list -> {
            float[] a = new float[n];
            for (int i = 0; i < n; i++) {
                a[i] = list.get(i);
            }
            return a;
        });
    }

    /** Arrays of {@code n} doubles drawn from {@code values}. */
    public static Gen<double[]> doubleArrays(Gen<Double> values, int n) {
        return lists().of(values).ofSize(n).map(list -> list.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Arrays of {@code n} longs drawn from {@code values}. */
    public static Gen<long[]> longArrays(Gen<Long> values, int n) {
        return lists().of(values).ofSize(n).map(list -> list.stream().mapToLong(Long::longValue).toArray());
    }
}
