package dev.headroom.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Seeded random cases for property tests, with greedy reduction of a failing sequence: the
 * project's own generators, so every run is reproducible from the seed it prints. The seed is
 * {@code headroom.property.seed} when set, else the test's own.
 */
public final class Properties {
    private Properties() {}

    /** Checks {@code property} on {@code tries} values drawn by {@code generate}. */
    public static <T> void forAll(
            long seed, int tries, Function<Random, T> generate, Consumer<T> property) {
        Random random = new Random(seed(seed));
        for (int i = 0; i < tries; i++) {
            T value = generate.apply(random);
            Throwable failure = failureOf(property, value);
            if (failure != null) {
                throw new AssertionError(
                        "Property failed at try " + i + " with seed " + seed(seed) + ": " + value,
                        failure);
            }
        }
    }

    /**
     * Checks {@code property} on {@code tries} sequences; a failing one is reduced greedily
     * (dropping halves, then single steps, while it still fails) before it is reported.
     */
    public static <T> void forAllSequences(
            long seed, int tries, Function<Random, List<T>> generate, Consumer<List<T>> property) {
        Random random = new Random(seed(seed));
        for (int i = 0; i < tries; i++) {
            List<T> sequence = generate.apply(random);
            Throwable failure = failureOf(property, sequence);
            if (failure != null) {
                List<T> reduced = reduce(sequence, property);
                throw new AssertionError(
                        "Property failed at try "
                                + i
                                + " with seed "
                                + seed(seed)
                                + "; reduced from "
                                + sequence.size()
                                + " to "
                                + reduced.size()
                                + " steps: "
                                + reduced,
                        failureOf(property, reduced));
            }
        }
    }

    /** A uniformly drawn long in {@code [0, max]}, with both ends drawn more often. */
    public static long longUpTo(Random random, long max) {
        return switch (random.nextInt(10)) {
            case 0 -> 0;
            case 1 -> max;
            default -> random.nextLong(max + 1);
        };
    }

    private static <T> List<T> reduce(List<T> failing, Consumer<List<T>> property) {
        return reduce(failing, candidate -> failureOf(property, candidate) != null);
    }

    /** The smallest sequence found, dropping halves then single steps, for which {@code fails}. */
    public static <T> List<T> reduce(List<T> failing, java.util.function.Predicate<List<T>> fails) {
        List<T> current = failing;
        for (int chunk = Math.max(1, current.size() / 2); chunk >= 1; chunk /= 2) {
            boolean removed = true;
            while (removed) {
                removed = false;
                for (int from = 0; from + chunk <= current.size(); from += chunk) {
                    List<T> smaller = new ArrayList<>(current.subList(0, from));
                    smaller.addAll(current.subList(from + chunk, current.size()));
                    if (fails.test(smaller)) {
                        current = smaller;
                        removed = true;
                        break;
                    }
                }
            }
        }
        return current;
    }

    private static <T> Throwable failureOf(Consumer<T> property, T value) {
        try {
            property.accept(value);
            return null;
        } catch (AssertionError | RuntimeException e) {
            return e;
        }
    }

    private static long seed(long own) {
        return Long.getLong("headroom.property.seed", own);
    }
}
