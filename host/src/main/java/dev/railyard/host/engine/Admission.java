package dev.railyard.host.engine;

import dev.railyard.host.sampling.SamplingParams;

/**
 * A validated request, ready to become a sequence.
 *
 * @param prompt prompt token ids
 * @param sampling sampling parameters with the seed fixed
 * @param maxTokens tokens it may generate (clamped to the context length)
 */
record Admission(int[] prompt, SamplingParams sampling, int maxTokens) {
}
