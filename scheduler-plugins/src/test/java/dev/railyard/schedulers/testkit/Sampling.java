package dev.railyard.schedulers.testkit;

import dev.railyard.spi.scheduler.SamplingView;

/** A {@link SamplingView} for tests. */
public record Sampling(double temperature, int topK, double topP, double minP, long seed) implements SamplingView {

    public static Sampling greedy() {
        return new Sampling(0, 0, 1, 0, 0);
    }

    public static Sampling sampled(double temperature, long seed) {
        return new Sampling(temperature, 0, 1, 0, seed);
    }
}
