package dev.railyard.host.engine;

/**
 * What one engine step did.
 *
 * @param startNanos when the iteration started (engine clock)
 * @param backendNanos time inside the backend's {@code execute}
 * @param hostNanos time spent by the host itself this iteration (scheduling, validation,
 *     batch building, sampling, bookkeeping)
 * @param sequences sequences in the step
 * @param tokens tokens computed (prefill, decode and draft)
 * @param prefillTokens of those, prompt (or recompute) tokens
 * @param draftTokens of those, draft tokens verified
 * @param emittedTokens output tokens produced
 * @param kvUsedBlocks KV blocks in use after the step
 * @param kvTotalBlocks KV blocks in the pool
 * @param waiting sequences waiting after the step
 * @param running sequences running after the step
 */
public record StepRecord(long startNanos, long backendNanos, long hostNanos, int sequences, int tokens, int prefillTokens,
                         int draftTokens, int emittedTokens, int kvUsedBlocks, int kvTotalBlocks, int waiting, int running) {

    public double kvUsage() {
        return kvTotalBlocks == 0 ? 0 : (double) kvUsedBlocks / kvTotalBlocks;
    }
}
