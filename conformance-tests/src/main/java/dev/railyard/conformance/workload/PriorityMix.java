package dev.railyard.conformance.workload;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Which priorities requests get, with what weights (smaller priority values are served first).
 *
 * @param priorities the values
 * @param weights their relative weights, same length
 */
public record PriorityMix(int[] priorities, double[] weights) {

    /** Everyone at priority 0. */
    public static final PriorityMix NONE = new PriorityMix(new int[] {0}, new double[] {1});

    public PriorityMix {
        if (priorities.length == 0 || priorities.length != weights.length) {
            throw new IllegalArgumentException("one weight per priority");
        }
    }

    /** Equal shares of each value. */
    public static PriorityMix uniform(int... values) {
        double[] w = new double[values.length];
        Arrays.fill(w, 1);
        return new PriorityMix(values, w);
    }

    public int sample(RandomGenerator rng) {
        if (priorities.length == 1) {
            return priorities[0];
        }
        double total = Arrays.stream(weights).sum();
        double u = rng.nextDouble() * total;
        for (int i = 0; i < priorities.length; i++) {
            u -= weights[i];
            if (u < 0) {
                return priorities[i];
            }
        }
        return priorities[priorities.length - 1];
    }
}
