package dev.railyard.host.engine;

/**
 * Owns KV block allocation: fixed-size blocks with reference counts and a free list. The backend
 * owns the memory; this class decides which block ids each sequence uses.
 *
 * <p>Not thread-safe: used by the engine thread only. Blocks are handed out lowest-id-last from a
 * stack, so freed blocks are reused first (good locality).
 */
public final class BlockManager {

    private final int blockSize;
    private final int[] refCounts;
    private final int[] freeStack;
    private int freeTop;

    public BlockManager(int numBlocks, int blockSize) {
        if (numBlocks <= 0 || blockSize <= 0) {
            throw new IllegalArgumentException("numBlocks and blockSize must be positive: " + numBlocks + ", " + blockSize);
        }
        this.blockSize = blockSize;
        this.refCounts = new int[numBlocks];
        this.freeStack = new int[numBlocks];
        for (int i = 0; i < numBlocks; i++) {
            freeStack[i] = numBlocks - 1 - i;
        }
        freeTop = numBlocks;
    }

    public int blockSize() {
        return blockSize;
    }

    public int totalBlocks() {
        return refCounts.length;
    }

    public int freeBlocks() {
        return freeTop;
    }

    public int usedBlocks() {
        return refCounts.length - freeTop;
    }

    /** Blocks needed to hold {@code tokens} positions. */
    public int blocksFor(int tokens) {
        return Math.ceilDiv(tokens, blockSize);
    }

    /**
     * Takes a free block (reference count 1).
     *
     * @throws IllegalStateException when none is free (the plan validator prevents this)
     */
    public int allocate() {
        if (freeTop == 0) {
            throw new IllegalStateException("no free KV block");
        }
        int b = freeStack[--freeTop];
        refCounts[b] = 1;
        return b;
    }

    /** Adds a reference to a used block (for sharing a prefix). */
    public void retain(int block) {
        if (refCounts[block] <= 0) {
            throw new IllegalStateException("block " + block + " is free");
        }
        refCounts[block]++;
    }

    /** Drops one reference; the block is free again when none remain. */
    public void release(int block) {
        int rc = refCounts[block];
        if (rc <= 0) {
            throw new IllegalStateException("block " + block + " released twice");
        }
        refCounts[block] = rc - 1;
        if (rc == 1) {
            freeStack[freeTop++] = block;
        }
    }

    public int refCount(int block) {
        return refCounts[block];
    }
}
