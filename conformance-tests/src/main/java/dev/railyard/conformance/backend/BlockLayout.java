package dev.railyard.conformance.backend;

import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/** Where a test puts sequences' blocks in the pool. */
public enum BlockLayout {
    /** Lowest ids first, in order. */
    SEQUENTIAL,
    /** Highest ids first (exercises the end of the pool). */
    REVERSED,
    /** A seeded random permutation of the whole pool. */
    SHUFFLED;

    /** Hands out block ids of a pool of {@code numBlocks} in this layout's order, wrapping around. */
    public Allocator allocator(int numBlocks) {
        int[] order = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++) {
            order[i] = this == REVERSED ? numBlocks - 1 - i : i;
        }
        if (this == SHUFFLED) {
            RandomGenerator rng = RandomGeneratorFactory.of("L64X128MixRandom").create(numBlocks * 31L + 7);
            for (int i = numBlocks - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
        return new Allocator(order);
    }

    /** Block ids in a fixed order. */
    public static final class Allocator {
        private final int[] order;
        private int next;

        Allocator(int[] order) {
            this.order = order;
        }

        /** The next block id. */
        public int next() {
            int b = order[next % order.length];
            next++;
            return b;
        }
    }
}
