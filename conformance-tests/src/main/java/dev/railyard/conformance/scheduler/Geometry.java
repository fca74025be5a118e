package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.sim.CostModel;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;

/**
 * What the scenarios are sized from: the backend's vocabulary, limits and capabilities, and the
 * modelled time of a typical step.
 *
 * @param vocab vocabulary size
 * @param maxTokensPerStep the engine's token budget
 * @param maxContext context length
 * @param blockSize tokens per block
 * @param maxSequences sequences per step
 * @param chunkedPrefill the backend computes prompts in chunks
 * @param multiPositionLogits the backend verifies drafts
 * @param batchInvariant outputs are exactly independent of batching
 * @param nominalStepNanos modelled time of a step of 32 tokens
 */
record Geometry(int vocab, int maxTokensPerStep, int maxContext, int blockSize, int maxSequences, boolean chunkedPrefill,
                boolean multiPositionLogits, boolean batchInvariant, long nominalStepNanos) {

    static Geometry of(BackendInfo info, CostModel cost) {
        return new Geometry(info.vocabSize(), info.maxTokensPerStep(), info.maxContextLength(), info.blockSize(),
                info.maxSequencesPerStep(), info.has(BackendCapability.CHUNKED_PREFILL),
                info.has(BackendCapability.MULTI_POSITION_LOGITS), info.has(BackendCapability.BATCH_INVARIANT),
                Math.max(1, cost.stepNanos(32, 32L * 256)));
    }

    /** The longest prompt scenarios use: a quarter of the context, at most two steps' worth (one without chunking). */
    int promptCap() {
        return Math.max(1, chunkedPrefill ? Math.min(maxContext / 4, 2 * maxTokensPerStep) : Math.min(maxContext / 4, maxTokensPerStep));
    }

    /** The longest output scenarios use by default. */
    int outputCap(int wanted) {
        return Math.max(1, Math.min(wanted, maxContext / 8));
    }

    /** Length of the "long prompt" of rule L2. */
    int longPrompt() {
        return Math.max(1, chunkedPrefill ? Math.min(maxContext / 2, 4 * maxTokensPerStep) : Math.min(maxContext / 2, maxTokensPerStep));
    }
}
