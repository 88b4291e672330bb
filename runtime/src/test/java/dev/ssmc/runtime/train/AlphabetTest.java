package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.testing.Generators;
import dev.ssmc.runtime.testing.Property;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlphabetTest {
    @Test
    void classesAreTheBlankThenTheSpaceThenTheCharactersInCodePointOrder() {
        Alphabet a = Alphabet.of(List.of("six six zero", "oh", "don't"));
        assertEquals(" 'dehinorstxz", a.symbols());
        assertEquals(14, a.classes());
        assertEquals(0, Alphabet.BLANK);
        assertEquals(1, a.space());
        assertEquals(' ', a.symbol(1));
        assertEquals('\'', a.symbol(2));
        assertEquals('d', a.symbol(3));
        assertThrows(IllegalArgumentException.class, () -> a.symbol(0));
        assertThrows(IllegalArgumentException.class, () -> a.symbol(14));
    }

    @Test
    void anEmptySetOfTranscriptsStillHasTheSpace() {
        Alphabet a = Alphabet.of(List.of("", "  "));
        assertEquals(" ", a.symbols());
        assertEquals(2, a.classes());
        assertArrayEquals(new int[0], a.encode(" "));
    }

    @Test
    void textIsNormalizedBeforeItIsEncoded() {
        Alphabet a = Alphabet.of(List.of("one two"));
        assertEquals("one two", Alphabet.normalize("  One\t \n TWO "));
        assertArrayEquals(a.encode("one two"), a.encode("  One   TWO"));
        assertEquals("one two", a.decode(a.encode(" ONE  two ")));
    }

    @Test
    void encodeThenDecodeIsNormalize() {
        Alphabet a = Alphabet.of(List.of("the quick brown fox jumps over the lazy dog's back"));
        Property.forAll(200, Generators.strings(Generators.alphabet('a', 'z', " 'ABC\t"), 0, 20),
                text -> assertEquals(Alphabet.normalize(text), a.decode(a.encode(text))));
    }

    @Test
    void charactersOutsideTheAlphabetAreNamed() {
        IllegalArgumentException notSpellable = assertThrows(IllegalArgumentException.class,
                () -> Alphabet.of(List.of("one", "route 66")));
        assertTrue(notSpellable.getMessage().contains("'6' (U+0036) at column 7 of \"route 66\""),
                notSpellable.getMessage());
        Alphabet digits = Alphabet.of(List.of("one two"));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class, () -> digits.encode("now six"));
        assertTrue(unknown.getMessage().contains("'s' (U+0073) at column 5 of \"now six\" is not in the alphabet"),
                unknown.getMessage());
        assertThrows(IllegalArgumentException.class, () -> digits.decode(new int[] {Alphabet.BLANK}));
    }

    @Test
    void symbolsRestoreTheAlphabet() {
        Alphabet a = Alphabet.of(List.of("eight nine", "o'clock"));
        Alphabet b = Alphabet.fromSymbols(a.symbols());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertThrows(IllegalArgumentException.class, () -> Alphabet.fromSymbols("abc"), "no space first");
        assertThrows(IllegalArgumentException.class, () -> Alphabet.fromSymbols(" abca"), "a repeat");
        assertThrows(IllegalArgumentException.class, () -> Alphabet.fromSymbols(" ab1"), "a digit");
        assertThrows(IllegalArgumentException.class, () -> Alphabet.fromSymbols(" a b"), "a second space");
    }
}
