package dev.railyard.spi.scheduler;

/**
 * Limits of the engine a scheduler runs in, fixed for its lifetime.
 *
 * @param maxTokensPerStep the most tokens (prompt chunks, decode tokens and draft tokens
 *     together) one step may compute: the backend's limit
 * @param maxSequencesPerStep the most sequences one step may hold
 * @param maxContextLength the longest sequence the model supports
 * @param chunkedPrefill the backend computes a prompt over several steps; when {@code false} a
 *     prefill must be scheduled whole
 * @param multiPositionLogits the backend returns logits at several positions of one sequence
 *     (required for draft tokens)
 */
public record EngineLimits(int maxTokensPerStep, int maxSequencesPerStep, int maxContextLength,
                           boolean chunkedPrefill, boolean multiPositionLogits) {
}
