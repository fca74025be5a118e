package dev.railyard.spi.backend;

import java.util.Objects;
import java.util.Set;

/**
 * What a backend is and what it can take. Fixed for the backend's lifetime.
 *
 * @param name the provider's name, e.g. {@code cpu-reference}; never null
 * @param device where it computes, e.g. {@code "cpu (2 threads, AVX-512)"}; never null
 * @param computeDType the compute precision, e.g. {@code "float32"}; never null
 * @param blockSize tokens per KV block
 * @param numBlocks KV blocks in the pool (block ids are {@code 0..numBlocks-1})
 * @param maxTokensPerStep the most flat tokens one step may hold
 * @param maxSequencesPerStep the most sequences one step may hold
 * @param vocabSize columns of every logits row
 * @param maxContextLength the longest sequence (prompt plus output) the backend supports
 * @param capabilities declared capabilities; never null
 * @param logitsTolerance the relative L2 error against the CPU reference this backend promises
 *     (0 for exact agreement)
 */
public record BackendInfo(String name, String device, String computeDType, int blockSize, int numBlocks,
                          int maxTokensPerStep, int maxSequencesPerStep, int vocabSize, int maxContextLength,
                          Set<BackendCapability> capabilities, double logitsTolerance) {

    public BackendInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(computeDType, "computeDType");
        capabilities = Set.copyOf(capabilities);
    }

    public boolean has(BackendCapability c) {
        return capabilities.contains(c);
    }
}
