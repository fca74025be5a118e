package dev.railyard.host.loadgen;

/**
 * What one request of a run measured, on the load generator's own clock ({@link System#nanoTime()}).
 *
 * @param index the work item's index
 * @param ok whether it finished normally (stop or length)
 * @param error why not, or null
 * @param startNanos when it was sent
 * @param firstTokenNanos when its first output text arrived, or -1
 * @param endNanos when it ended
 * @param promptTokens prompt tokens (as the server counted them when it says)
 * @param outputTokens output tokens
 * @param tokenNanos arrival time of each streamed token (or text chunk)
 */
public record RequestRecord(int index, boolean ok, String error, long startNanos, long firstTokenNanos, long endNanos,
                            int promptTokens, int outputTokens, long[] tokenNanos) {

    /** A request that failed before producing anything. */
    public static RequestRecord failed(int index, long startNanos, String error) {
        return new RequestRecord(index, false, error, startNanos, -1, System.nanoTime(), 0, 0, new long[0]);
    }

    /** Time to first token in ms, or NaN. */
    public double ttftMillis() {
        return firstTokenNanos < 0 ? Double.NaN : (firstTokenNanos - startNanos) / 1e6;
    }

    /** Mean time per output token after the first, in ms, or NaN with fewer than 2 tokens. */
    public double tpotMillis() {
        return outputTokens < 2 || firstTokenNanos < 0 ? Double.NaN : (endNanos - firstTokenNanos) / 1e6 / (outputTokens - 1);
    }

    /** End-to-end latency in ms. */
    public double e2eMillis() {
        return (endNanos - startNanos) / 1e6;
    }
}
