package dev.railyard.host.loadgen;

/**
 * One request of a workload.
 *
 * @param index its position in the workload (0, 1, ...)
 * @param promptText the prompt as text, or null
 * @param promptTokens the prompt as token ids, or null
 * @param promptLength the prompt's intended length in tokens (for text: words, about a token each)
 * @param maxTokens tokens to generate (EOS is ignored, so this is the output length)
 */
public record WorkItem(int index, String promptText, int[] promptTokens, int promptLength, int maxTokens) {
}
