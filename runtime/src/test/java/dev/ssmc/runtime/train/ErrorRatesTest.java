package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ssmc.runtime.testing.Generators;
import dev.ssmc.runtime.testing.Property;
import org.junit.jupiter.api.Test;

class ErrorRatesTest {
    private static ErrorRates.Edits edits(long s, long d, long i, long n) {
        return new ErrorRates.Edits(s, d, i, n);
    }

    @Test
    void wordEditsOfHandMadeExamples() {
        assertEquals(edits(0, 0, 0, 3), ErrorRates.wordEdits("one two three", "one two three"));
        assertEquals(edits(1, 0, 0, 3), ErrorRates.wordEdits("one two three", "one too three"));
        assertEquals(edits(0, 1, 0, 3), ErrorRates.wordEdits("one two three", "one three"));
        assertEquals(edits(0, 0, 1, 3), ErrorRates.wordEdits("one two three", "one two two three"));
        // "six six zero" heard as "six zero oh oh": three edits, either a six deleted and two ohs inserted
        // or two substitutions and an insertion; the tie-breaking (substitutions first) counts the latter
        assertEquals(edits(2, 0, 1, 3), ErrorRates.wordEdits("six six zero", "six zero oh oh"));
        // nothing recognized: every word deleted; nothing said: every word inserted
        assertEquals(edits(0, 2, 0, 2), ErrorRates.wordEdits("four five", ""));
        assertEquals(edits(0, 0, 2, 0), ErrorRates.wordEdits("", "four five"));
        assertEquals(edits(0, 0, 0, 0), ErrorRates.wordEdits(" ", ""));
        // case and spacing do not count
        assertEquals(edits(0, 0, 0, 2), ErrorRates.wordEdits("Nine  Oh", " nine oh"));
    }

    @Test
    void characterEditsCountSpaces() {
        // "oh two" -> "ohtwo": the space deleted
        assertEquals(edits(0, 1, 0, 6), ErrorRates.characterEdits("oh two", "ohtwo"));
        // kitten -> sitting: two substitutions and an insertion
        assertEquals(edits(2, 0, 1, 6), ErrorRates.characterEdits("kitten", "sitting"));
        assertEquals(edits(0, 0, 4, 0), ErrorRates.characterEdits("", "nine"));
    }

    @Test
    void ratesAreSummedOverTheCorpusNotAveragedPerUtterance() {
        ErrorRates r = new ErrorRates();
        r.add("one", "two"); // 1 of 1 word wrong
        r.add("one two three four five six seven eight nine", "one two three four five six seven eight nine");
        assertEquals(2, r.items());
        assertEquals(0.1, r.wordErrorRate(), 1e-15, "1 error in 10 words, not the mean of 100% and 0%");
        // characters: "one"->"two" is 3 substitutions? o->t, n->w, e->o: 3 of 3 + 0 of 44
        assertEquals(edits(3, 0, 0, 47), r.characters());
        assertEquals(3.0 / 47, r.characterErrorRate(), 1e-15);
        assertEquals("wer=0.1000 cer=0.0638 over 2 items", r.toString());
    }

    @Test
    void anEmptyReferenceHasRateZeroOrInfinity() {
        ErrorRates r = new ErrorRates();
        assertEquals(0, r.wordErrorRate());
        r.add("", "");
        assertEquals(0, r.wordErrorRate());
        r.add("", "oh");
        assertEquals(Double.POSITIVE_INFINITY, r.wordErrorRate());
    }

    @Test
    void theEditCountIsADistance() {
        record Texts(String a, String b, String c) {
        }
        var words = Generators.strings("ab ", 0, 8);
        Property.forAll(300, in -> new Texts(words.generate(in), words.generate(in), words.generate(in)), t -> {
            long ab = ErrorRates.characterEdits(t.a(), t.b()).errors();
            assertEquals(ab, ErrorRates.characterEdits(t.b(), t.a()).errors(), "symmetric");
            long ac = ErrorRates.characterEdits(t.a(), t.c()).errors();
            long cb = ErrorRates.characterEdits(t.c(), t.b()).errors();
            assertEquals(true, ab <= ac + cb, "triangle inequality");
            assertEquals(ab == 0, Alphabet.normalize(t.a()).equals(Alphabet.normalize(t.b())));
            ErrorRates.Edits e = ErrorRates.characterEdits(t.a(), t.b());
            // the hypothesis length is reference - deletions + insertions
            assertEquals(Alphabet.normalize(t.b()).length(), e.referenceLength() - e.deletions() + e.insertions());
        });
    }
}
