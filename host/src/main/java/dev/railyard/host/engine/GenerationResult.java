package dev.railyard.host.engine;

import dev.railyard.spi.scheduler.FinishReason;
import java.util.Optional;

/**
 * The outcome of one request.
 *
 * @param requestId the engine's id for it
 * @param promptTokens the prompt's token ids
 * @param tokens the generated token ids (stop tokens included, text after a stop string excluded)
 * @param text the generated text when a tokenizer exists, else null
 * @param finishReason why it ended
 * @param error for REJECTED and ERROR: what went wrong; else null
 * @param timings where its time went
 * @param seed the seed its random stream used
 * @param draftedTokens draft tokens proposed for it (speculative decoding)
 * @param acceptedDraftTokens of those, how many were accepted
 * @param preemptions how often it was preempted
 */
public record GenerationResult(long requestId, int[] promptTokens, int[] tokens, String text, FinishReason finishReason,
                               String error, RequestTimings timings, long seed, long draftedTokens, long acceptedDraftTokens,
                               int preemptions) {

    public Optional<String> errorMessage() {
        return Optional.ofNullable(error);
    }

    /** Accepted over drafted, or NaN without drafts. */
    public double acceptanceRate() {
        return draftedTokens == 0 ? Double.NaN : (double) acceptedDraftTokens / draftedTokens;
    }
}
