package dev.ssmc.compiler.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class NamesTest {
    @Test
    void suggestsTheClosestSpelling() {
        assertEquals(" (did you mean 'neck'?)", Names.suggestion("nekc", Names.spellings(SsmMode.class)));
        assertEquals("", Names.suggestion("transformer", Names.spellings(SsmMode.class)));
        assertEquals(" (did you mean 'layer-feature'?)", Names.suggestion("layer_feature", Names.spellings(NormKind.class)));
    }

    @Test
    void parsingAnUnknownSpellingListsTheChoices() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Postact.parse("rleu"));
        assertEquals("unknown activation 'rleu' (did you mean 'relu'?); choose one of identity, relu, relu6, lelu,"
                + " sigmoid, tanh, gelu, glu, silu", e.getMessage());
        assertEquals(ResampleMode.DOWNSAMPLING_WITH_BIAS, ResampleMode.parse("downsampling_with_bias"));
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertEquals(0, Names.editDistance("s5", "s5"));
        assertEquals(1, Names.editDistance("nekc", "neck"));
        assertEquals(2, Names.editDistance("full", "fl"));
        assertEquals(3, Names.editDistance("", "dws"));
    }
}
