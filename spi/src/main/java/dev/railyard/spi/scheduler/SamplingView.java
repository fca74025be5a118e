package dev.railyard.spi.scheduler;

/**
 * A request's sampling parameters, read-only. Drafters use it to propose tokens the way the
 * request samples.
 */
public interface SamplingView {

    /** 0 means greedy. */
    double temperature();

    /** 0 means no top-k filter. */
    int topK();

    /** 1 means no nucleus filter. */
    double topP();

    /** 0 means no min-p filter. */
    double minP();

    /** The request's seed (the host picks one when the request gave none). */
    long seed();

    default boolean isGreedy() {
        return temperature() == 0.0;
    }
}
