package dev.railyard.conformance.scheduler;

/**
 * The kit's bounds and workload sizes. The defaults are what the rules' statements say; a plugin
 * author may tighten them, and the kit's own tests shrink the sizes.
 *
 * @param overtakingBound K in rules L1, L2 and L3: how many later arrivals may get their first token first
 * @param fairnessRatio rule L4: p99 end-to-end time at most this times the median
 * @param longPromptFactor rule L2: a long prompt's TTFT at most this times the short requests' p90 TTFT (plus its own prefill)
 * @param scale workload sizes
 */
public record KitSettings(int overtakingBound, double fairnessRatio, double longPromptFactor, Scale scale) {

    /**
     * Workload sizes.
     *
     * @param mixed requests in the concurrency/chunking scenario
     * @param tinyPool requests in the tiny-pool scenario
     * @param small requests in the cancel and time-out scenarios
     * @param load requests in the sustained-load scenarios (overload, long prompts, priorities, fairness)
     * @param offline requests in the capacity measurement
     * @param contract requests per contract run
     * @param speculativeSamples requests in the distribution check of speculative sampling
     */
    public record Scale(int mixed, int tinyPool, int small, int load, int offline, int contract, int speculativeSamples) {
    }

    /** Thousands of requests: for the simulated backend. */
    public static final Scale SIMULATED = new Scale(64, 24, 16, 600, 256, 2000, 1500);
    /** A few requests: for real backends, whose steps cost real time. */
    public static final Scale REAL = new Scale(10, 8, 8, 24, 16, 0, 60);

    /** The rules' stated bounds with sizes for the simulated backend. */
    public static KitSettings defaults() {
        return new KitSettings(8, 3.0, 4.0, SIMULATED);
    }

    public KitSettings withScale(Scale s) {
        return new KitSettings(overtakingBound, fairnessRatio, longPromptFactor, s);
    }
}
