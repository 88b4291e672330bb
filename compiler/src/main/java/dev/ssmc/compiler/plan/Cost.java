package dev.ssmc.compiler.plan;

import java.util.ArrayList;
import java.util.List;

/**
 * The predicted cost of a plan: floating-point work, bytes moved through intermediates, the
 * largest intermediate, and the seconds the calibration profile turns them into; with one item
 * per step for {@code explain}.
 */
public record Cost(double seconds, double flops, double bytes, double largestBytes, List<Item> items) {
    public static final Cost ZERO = new Cost(0, 0, 0, 0, List.of());
    public static final Cost IMPOSSIBLE = new Cost(Double.POSITIVE_INFINITY, 0, 0, 0, List.of());

    /** One step's share. */
    public record Item(String what, StepKind kind, double flops, double bytes, double seconds) {
    }

    public Cost {
        items = List.copyOf(items);
    }

    public boolean possible() {
        return seconds < Double.POSITIVE_INFINITY;
    }

    public Cost plus(Cost o) {
        if (!possible() || !o.possible()) {
            return IMPOSSIBLE;
        }
        List<Item> all = new ArrayList<>(items);
        all.addAll(o.items);
        return new Cost(seconds + o.seconds, flops + o.flops, bytes + o.bytes, Math.max(largestBytes, o.largestBytes), all);
    }

    public static Cost of(Item item, double resultBytes) {
        return new Cost(item.seconds(), item.flops(), item.bytes(), resultBytes, List.of(item));
    }
}
