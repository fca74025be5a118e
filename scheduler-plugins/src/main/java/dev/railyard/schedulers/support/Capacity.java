package dev.railyard.schedulers.support;

import dev.railyard.spi.scheduler.EngineLimits;
import dev.railyard.spi.scheduler.KvCacheView;
import dev.railyard.spi.scheduler.SequenceView;

/** KV-cache and step-size arithmetic shared by the schedulers. */
public final class Capacity {

    private Capacity() {
    }

    /** Blocks needed to hold {@code tokens} positions. */
    public static int blocksFor(int tokens, int blockSize) {
        return Math.ceilDiv(tokens, blockSize);
    }

    /**
     * Why a sequence that holds no KV blocks (waiting or preempted) can never be computed in this
     * engine, or {@code null} when it can. To produce its next token it must compute all its
     * {@code totalLength()} tokens: they must fit the whole KV pool, the context length, and,
     * when the backend cannot split a prompt, one step.
     */
    public static String neverFits(SequenceView s, KvCacheView kv, EngineLimits limits) {
        int tokens = s.totalLength();
        String what = s.generatedCount() == 0 ? "prompt of " + tokens + " tokens"
                : "sequence of " + tokens + " tokens (prompt and generated)";
        int blocks = blocksFor(tokens, kv.blockSize());
        if (blocks > kv.totalBlocks()) {
            return what + " needs " + blocks + " KV blocks of " + kv.blockSize() + " tokens, but the KV cache has only "
                    + kv.totalBlocks() + " blocks in all";
        }
        if (!limits.chunkedPrefill() && tokens > limits.maxTokensPerStep()) {
            return what + " exceeds the " + limits.maxTokensPerStep()
                    + " tokens one step may compute, and the backend cannot split a prompt (no chunked prefill)";
        }
        if (tokens > limits.maxContextLength()) {
            return what + " exceeds the model's context length of " + limits.maxContextLength();
        }
        return null;
    }

    /**
     * How many more tokens {@code s} can compute with its allocated blocks plus {@code freeBlocks}
     * more; may be 0 or negative when nothing fits.
     */
    public static int tokensThatFit(SequenceView s, int freeBlocks, int blockSize) {
        return (s.allocatedBlocks() + freeBlocks) * blockSize - s.computedLength();
    }
}
