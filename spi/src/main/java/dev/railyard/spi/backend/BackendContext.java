package dev.railyard.spi.backend;

import dev.railyard.spi.Clock;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What the host tells a backend when it opens it.
 *
 * @param clock the engine's clock; never null
 * @param blockSize tokens per KV block the host will use; positive
 * @param numBlocks KV blocks requested, or 0 to let the backend size the pool from its own
 *     memory budget; the backend reports the number it allocated in {@link BackendInfo#numBlocks()}
 * @param maxTokensPerStep the largest step (flat tokens) the host will send, or 0 to let the
 *     backend choose; the backend reports its limit in {@link BackendInfo#maxTokensPerStep()}
 * @param progress receives human-readable progress lines during {@code open}; never null
 */
public record BackendContext(Clock clock, int blockSize, int numBlocks, int maxTokensPerStep, Consumer<String> progress) {

    public BackendContext {
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(progress, "progress");
        if (blockSize <= 0) {
            throw new IllegalArgumentException("blockSize must be positive, was " + blockSize);
        }
        if (numBlocks < 0 || maxTokensPerStep < 0) {
            throw new IllegalArgumentException("numBlocks and maxTokensPerStep must not be negative");
        }
    }
}
