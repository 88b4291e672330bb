package dev.ssmc.compiler.ir;

/** A positive rational number in lowest terms: the ratio of sample rates between two points of a network. */
public record Rational(long num, long den) {
    public static final Rational ONE = new Rational(1, 1);

    public Rational {
        if (num <= 0 || den <= 0) {
            throw new IllegalArgumentException("a rate ratio must be positive: " + num + "/" + den);
        }
        long g = gcd(num, den);
        num /= g;
        den /= g;
    }

    public static Rational of(long num, long den) {
        return new Rational(num, den);
    }

    public Rational times(Rational o) {
        return new Rational(num * o.num, den * o.den);
    }

    public Rational inverse() {
        return new Rational(den, num);
    }

    public boolean isOne() {
        return num == 1 && den == 1;
    }

    /** {@code n * this} if it is a whole number, else -1. */
    public long applyTo(long n) {
        return (n * num) % den == 0 ? n * num / den : -1;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    @Override
    public String toString() {
        return den == 1 ? Long.toString(num) : num + "/" + den;
    }
}
