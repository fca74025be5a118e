package dev.railyard.host.demo;

import dev.railyard.host.engine.GenerationResult;
import dev.railyard.host.loadgen.LatencyStats;
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
        LatencyStats ttft = LatencyStats.of(results.stream().filter(r -> r.timings().timeToFirstTokenNanos() >= 0)
                .mapToDouble(r -> r.timings().timeToFirstTokenNanos() / 1e6).toArray());
        LatencyStats tpot = LatencyStats.of(results.stream().filter(r -> r.timings().timePerOutputTokenNanos() >= 0)
                .mapToDouble(r -> r.timings().timePerOutputTokenNanos() / 1e6).toArray());
        long tokens = results.stream().mapToLong(r -> r.tokens().length).sum();
        long drafted = results.stream().mapToLong(GenerationResult::draftedTokens).sum();
        long accepted = results.stream().mapToLong(GenerationResult::acceptedDraftTokens).sum();
        return new LatencySummary(results.size(), ttft.p50(), ttft.p99(), tpot.p50(), tpot.p99(), tokens / wallSeconds,
                drafted == 0 ? Double.NaN : (double) accepted / drafted);
    }
}
