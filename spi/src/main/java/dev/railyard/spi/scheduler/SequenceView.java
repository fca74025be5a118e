package dev.railyard.spi.scheduler;

import java.util.OptionalLong;

/**
 * A read-only view of one sequence (one request), valid during the {@link Scheduler#schedule}
 * call that received it. Schedulers may keep the {@link #id()} across calls, not the view.
 * All times are on the engine's {@link dev.railyard.spi.Clock}, in nanoseconds.
 */
public interface SequenceView {

    /** The host's id: unique for the engine's lifetime, increasing in submission order. */
    long id();

    SequenceState state();

    /** Tokens in the prompt; at least 1. */
    int promptLength();

    /** Tokens generated so far. */
    int generatedCount();

    /** {@code promptLength() + generatedCount()}. */
    default int totalLength() {
        return promptLength() + generatedCount();
    }

    /** Tokens whose K/V are in the cache. */
    int computedLength();

    /** Tokens still to compute before the next token can be sampled: {@code totalLength() - computedLength()}. */
    default int pendingTokens() {
        return totalLength() - computedLength();
    }

    /** {@code true} while prompt tokens remain to be computed (first prefill or recompute). */
    default boolean isPrefilling() {
        return pendingTokens() > 1 || generatedCount() == 0;
    }

    /** The most tokens this request may generate. */
    int maxTokens();

    /** Token {@code i} of the sequence, {@code 0 <= i < totalLength()} (prompt first). */
    int tokenAt(int i);

    /** Smaller values are served first; 0 is the default. */
    int priority();

    /** When the request was submitted. */
    long arrivalNanos();

    /** When the first output token was produced, or empty. */
    OptionalLong firstTokenNanos();

    /** When the latest output token was produced, or empty. */
    OptionalLong lastTokenNanos();

    /** The time by which the request wants its first token (arrival plus its TTFT SLO), or empty. */
    OptionalLong firstTokenDeadlineNanos();

    /** The time per output token the request wants (its TPOT SLO), or empty. */
    OptionalLong timePerTokenTargetNanos();

    /** KV blocks the sequence holds now. */
    int allocatedBlocks();

    /** How often it has been preempted. */
    int preemptionCount();

    /** The request's sampling parameters; never null. */
    SamplingView sampling();
}
