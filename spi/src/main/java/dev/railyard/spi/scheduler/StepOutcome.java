package dev.railyard.spi.scheduler;

/**
 * What one scheduled sequence got out of a step, reported to {@link Scheduler#onStepCompleted}.
 *
 * @param sequenceId the sequence
 * @param computedTokens tokens computed this step (draft tokens included)
 * @param draftedTokens draft tokens verified this step
 * @param acceptedDraftTokens of those, how many were accepted
 * @param emittedTokens new output tokens this step (0 during a prefill chunk)
 */
public record StepOutcome(long sequenceId, int computedTokens, int draftedTokens, int acceptedDraftTokens, int emittedTokens) {
}
