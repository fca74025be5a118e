package dev.railyard.host.engine;

/**
 * Where a request's time went, in nanoseconds on the engine clock. A value is -1 when it does
 * not apply (no token produced).
 *
 * @param arrivalNanos when it was submitted
 * @param queueNanos from arrival to its first scheduled step
 * @param timeToFirstTokenNanos from arrival to its first output token
 * @param timePerOutputTokenNanos mean time between output tokens after the first
 * @param endToEndNanos from arrival to completion
 * @param interTokenNanos gaps between consecutive output tokens (length = tokens - 1)
 */
public record RequestTimings(long arrivalNanos, long queueNanos, long timeToFirstTokenNanos, long timePerOutputTokenNanos,
                             long endToEndNanos, long[] interTokenNanos) {
}
