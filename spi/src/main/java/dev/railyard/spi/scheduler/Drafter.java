package dev.railyard.spi.scheduler;

import java.util.List;

/**
 * Proposes draft tokens. Called by a speculative scheduler on the engine thread, one call at a
 * time.
 */
public interface Drafter extends AutoCloseable {

    /**
     * Proposes up to {@code maxTokens} draft tokens for each sequence (all decoding: one pending
     * token, which is {@code s.tokenAt(s.totalLength() - 1)}). Drafts continue after that pending
     * token. Proposals for sampled requests should be drawn reproducibly, from a random stream
     * seeded by the request's {@link dev.railyard.spi.scheduler.SamplingView#seed()} and position,
     * and carry their proposal distributions.
     *
     * @param sequences decoding sequences; never null
     * @param maxTokens at least 1
     * @return one entry per sequence, in order; an entry is null when the drafter has nothing to
     *     propose for that sequence
     */
    List<DraftProposal> propose(List<SequenceView> sequences, int maxTokens);

    /** Sequence {@code sequenceId} left the engine: drop any state kept for it. */
    default void onFinished(long sequenceId) {
    }

    @Override
    default void close() {
    }
}
