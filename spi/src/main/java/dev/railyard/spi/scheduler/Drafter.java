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

    /**
     * Sequences whose prompt the target model starts or goes on processing in the coming step (a
     * whole prompt, or a chunk of one). A drafter that runs a model of its own may take in their
     * known tokens now (any prefix of positions {@code 0 .. s.totalLength() - 1}), so that the
     * prompt's draft cost falls in the prefill, where it belongs (time to first token), rather than
     * in the first decode step. Called by a speculative scheduler on the engine thread, before that
     * step runs, at most once per step and never during {@link #propose}. Optional: the default does
     * nothing, and {@link #propose} must work the same for sequences never seen here.
     *
     * @param sequences sequences with more than one pending token; never null, may be empty
     */
    default void prefill(List<SequenceView> sequences) {
    }

    /** Sequence {@code sequenceId} left the engine: drop any state kept for it. */
    default void onFinished(long sequenceId) {
    }

    @Override
    default void close() {
    }
}
