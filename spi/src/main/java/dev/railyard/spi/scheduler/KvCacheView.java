package dev.railyard.spi.scheduler;

/** KV-cache capacity as the host's block manager sees it at the start of this iteration. */
public interface KvCacheView {

    /** Tokens per block. */
    int blockSize();

    /** Blocks in the pool. */
    int totalBlocks();

    /** Blocks free now (before this iteration's plan). */
    int freeBlocks();

    /**
     * New blocks {@code s} needs to compute {@code newTokens} more tokens:
     * {@code ceil((s.computedLength() + newTokens) / blockSize) - s.allocatedBlocks()}, at least 0.
     */
    default int blocksNeeded(SequenceView s, int newTokens) {
        int needed = Math.ceilDiv(s.computedLength() + newTokens, blockSize()) - s.allocatedBlocks();
        return Math.max(0, needed);
    }
}
