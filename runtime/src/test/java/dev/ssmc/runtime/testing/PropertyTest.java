package dev.ssmc.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.opentest4j.TestAbortedException;

/** The property harness itself: tries, shrinking, seeds, rejections. */
class PropertyTest {

    record Pair(int a, long b) {
    }

    @Test
    void checksAsManyDistinctValuesAsItIsAsked() {
        Set<Long> seen = new HashSet<>();
        List<Long> all = new ArrayList<>();
        Property.forAll(300, longs().all(), v -> {
            seen.add(v);
            all.add(v);
        });
        assertEquals(300, all.size());
        assertEquals(300, seen.size());
    }

    @Test
    void aSmallDomainIsNotCheckedTwiceOnTheSameValue() {
        List<Integer> all = new ArrayList<>();
        Property.forAll(50, integers().between(1, 4), all::add);
        assertEquals(4, new HashSet<>(all).size());
        assertEquals(4, all.size());
    }

    @Test
    void aFailureShrinksToTheBoundaryAndNamesTheSeedAndTheTest() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll(200,
                in -> new Pair(integers().between(0, 1000).generate(in), longs().all().generate(in)),
                p -> assertTrue(p.a() < 10, "a is " + p.a())));
        String message = e.getMessage();
        assertTrue(message.contains("Pair[a=10, b=0]"), message);
        assertTrue(message.contains("a is 10"), message);
        assertTrue(message.contains("-Dtest=PropertyTest#aFailureShrinksToTheBoundaryAndNamesTheSeedAndTheTest"),
                message);
        assertTrue(Pattern.compile("-DQT_SEED=-?\\d+").matcher(message).find(), message);
    }

    @Test
    void theSeedInTheMessageDrawsTheSameValuesAgain() {
        List<Long> first = new ArrayList<>();
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll(100, longs().all(), v -> {
            first.add(v);
            assertTrue(first.size() < 40);
        }));
        Matcher m = Pattern.compile("-DQT_SEED=(-?\\d+)").matcher(e.getMessage());
        assertTrue(m.find());
        String before = System.getProperty("QT_SEED");
        System.setProperty("QT_SEED", m.group(1));
        try {
            List<Long> again = new ArrayList<>();
            assertThrows(AssertionError.class, () -> Property.forAll(100, longs().all(), v -> {
                again.add(v);
                assertTrue(again.size() < 40);
            }));
            assertEquals(first.subList(0, 40), again.subList(0, 40));
        } finally {
            if (before == null) {
                System.clearProperty("QT_SEED");
            } else {
                System.setProperty("QT_SEED", before);
            }
        }
    }

    @Test
    void aCheckedExceptionFalsifies() {
        AssertionError e = assertThrows(AssertionError.class, () -> Property.forAll(10, integers().between(0, 9), v -> {
            throw new IOException("cannot read " + v);
        }));
        assertTrue(e.getMessage().contains("IOException: cannot read 0"), e.getMessage());
    }

    @Test
    void aFailedAssumptionRejectsTheTryAndOnlyEveryTrySkipsTheProperty() {
        List<Integer> checked = new ArrayList<>();
        Property.forAll(100, integers().between(0, 999), v -> {
            assumeTrue(v % 2 == 0);
            checked.add(v);
        });
        assertTrue(checked.stream().allMatch(v -> v % 2 == 0), checked.toString());
        assertEquals(100, checked.size(), "a rejected try is replaced by another");
        assertThrows(TestAbortedException.class, () -> Property.forAll(20, integers().between(0, 999),
                v -> assumeTrue(false)));
    }
}
