package dev.ssmc.runtime.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ssmc.runtime.io.InvalidInputException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LexiconTest {
    private static final Alphabet ALPHABET = Alphabet.of(List.of("one two three"));

    /** The node {@code text} leads to from the root, or {@link Lexicon#NONE}. */
    private static int walk(Lexicon lexicon, String text) {
        int node = Lexicon.ROOT;
        for (char c : text.toCharArray()) { // not encode(text), which would strip spaces
            node = lexicon.next(node, c == ' ' ? ALPHABET.space() : ALPHABET.encode(String.valueOf(c))[0]);
            if (node == Lexicon.NONE) {
                return node;
            }
        }
        return node;
    }

    @Test
    void wordsAreSpelledLetterByLetterAndEndedBySpaces() {
        Lexicon lexicon = Lexicon.of(ALPHABET, List.of("One", "on", "two", "on"));
        assertEquals(Set.of("one", "on", "two"), lexicon.words());
        assertEquals("Lexicon[3 words]", lexicon.toString());
        assertTrue(lexicon.complete(walk(lexicon, "on")));
        assertTrue(lexicon.complete(walk(lexicon, "one")));
        assertTrue(lexicon.complete(walk(lexicon, "one two on ")), "a space after a word ends it");
        assertFalse(lexicon.complete(walk(lexicon, "tw")), "inside a word");
        assertFalse(lexicon.complete(walk(lexicon, "o")));
        for (String never : List.of("ont", "three", "tw ", " one", "one  two", "oneo", "t o")) {
            assertEquals(Lexicon.NONE, walk(lexicon, never), never);
        }
        assertEquals(Lexicon.ROOT, walk(lexicon, ""));
        assertTrue(lexicon.complete(Lexicon.ROOT), "an empty utterance says nothing wrong");
    }

    @Test
    void aWordItCannotSpellIsRefusedByName() {
        assertTrue(assertThrows(InvalidInputException.class, () -> Lexicon.of(ALPHABET, List.of("one", "four")))
                .getMessage().startsWith("the word \"four\": character 'f' (U+0066) at column 1 of \"four\" is not in"
                        + " the alphabet"));
        assertEquals("\"one two\" is more than one word",
                assertThrows(InvalidInputException.class, () -> Lexicon.of(ALPHABET, List.of("one two"))).getMessage());
        assertEquals("a lexicon needs at least one word",
                assertThrows(InvalidInputException.class, () -> Lexicon.of(ALPHABET, List.of(" ", ""))).getMessage());
    }
}
