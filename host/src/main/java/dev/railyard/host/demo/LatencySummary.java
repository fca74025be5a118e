package dev.railyard.host.demo;

import dev.railyard.host.engine.GenerationResult;
import java.util.List;

/**
 * Latency and throughput of a finished workload, from its results.
 *
 * @param requests finished requests
 * @param ttftP50Ms median time to first token
 * @param ttftP99Ms 99th percentile time to first token
 * @param tpotP50Ms median time per output token
 * @param tpotP99Ms 99th percentile time per output token
 * @param outputTokensPerSecond output tokens over the workload's wall time
 * @param acceptanceRate accepted over drafted tokens (NaN without drafts)
 */
public record LatencySummary(int requests, double ttftP50Ms, double ttftP99Ms, double tpotP50Ms, double tpotP99Ms,
                             double outputTokensPerSecond, double acceptanceRate) {

    public static LatencySummary of(List<GenerationResult> results, double wallSeconds) {
        double[] ttft = results.stream().filter(r -> r.timings().timeToFirstTokenNanos() >= 0)
                .mapToDouble(r -> r.timings().timeToFirstTokenNanos() / 1e6).sorted().toArray();
        double[] tpot = results.stream().filter(r -> r.timings().timePerOutputTokenNanos() >= 0)
                .mapToDouble(r -> r.timings().timePerOutputTokenNanos() / 1e6).sorted().toArray();
        long tokens = results.stream().mapToLong(r -> r.tokens().length).sum();
        long drafted = results.stream().mapToLong(GenerationResult::draftedTokens).sum();
        long accepted = results.stream().mapToLong(GenerationResult::acceptedDraftTokens).sum();
        return new LatencySummary(results.size(), percentile(ttft, 50), percentile(ttft, 99), percentile(tpot, 50),
                percentile(tpot, 99), tokens / wallSeconds, drafted == 0 ? Double.NaN : (double) accepted / drafted);
    }

    /** Nearest-rank percentile of sorted values; NaN when empty. */
    public static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
    }
}
