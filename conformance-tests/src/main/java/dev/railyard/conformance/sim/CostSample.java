package dev.railyard.conformance.sim;

/**
 * One measured step of a backend, for calibrating a {@link CostModel}.
 *
 * @param tokens tokens computed in the step
 * @param kvReads KV positions read by attention: for each new token, the positions up to and including its own
 * @param seconds measured time of the step
 */
public record CostSample(int tokens, long kvReads, double seconds) {

    /** KV positions attention reads for a slice of {@code length} new tokens after {@code context} cached ones. */
    public static long kvReads(int context, int length) {
        return (long) length * context + (long) length * (length + 1) / 2;
    }
}
