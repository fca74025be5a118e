package dev.railyard.host.engine;

import dev.railyard.spi.scheduler.FinishReason;
import java.util.Map;

/**
 * A snapshot of the engine's counters and gauges.
 *
 * @param waiting sequences waiting now
 * @param running sequences running now
 * @param kvUsedBlocks blocks in use
 * @param kvTotalBlocks blocks in the pool
 * @param steps steps run so far
 * @param tokensComputed tokens computed so far
 * @param tokensGenerated output tokens so far
 * @param draftedTokens draft tokens verified so far
 * @param acceptedDraftTokens of those, accepted
 * @param finishedByReason requests finished, by reason
 * @param invalidPlans plans the host refused
 */
public record EngineStats(int waiting, int running, int kvUsedBlocks, int kvTotalBlocks, long steps, long tokensComputed,
                          long tokensGenerated, long draftedTokens, long acceptedDraftTokens,
                          Map<FinishReason, Long> finishedByReason, long invalidPlans) {
}
