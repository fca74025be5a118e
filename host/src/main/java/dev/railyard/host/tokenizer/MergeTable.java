package dev.railyard.host.tokenizer;

/**
 * The BPE merge rules as a hash table from a pair of token ids to the merge's rank (its position
 * in the merges list; lower merges first) and the id of the merged token. Open addressing over
 * primitive arrays, so a lookup allocates nothing.
 */
final class MergeTable {

    private static final long EMPTY = -1L;

    private final long[] keys;
    private final int[] ranks;
    private final int[] mergedIds;
    private final int mask;
    private int size;

    MergeTable(int expectedMerges) {
        int capacity = Integer.highestOneBit(Math.max(16, expectedMerges * 2 - 1)) << 1;
        keys = new long[capacity];
        ranks = new int[capacity];
        mergedIds = new int[capacity];
        mask = capacity - 1;
        java.util.Arrays.fill(keys, EMPTY);
    }

    /** Adds or replaces the rule merging {@code left} and {@code right} (later rules win, as in Hugging Face). */
    void put(int left, int right, int rank, int mergedId) {
        long key = key(left, right);
        int slot = slot(key);
        if (keys[slot] == EMPTY) {
            keys[slot] = key;
            size++;
        }
        ranks[slot] = rank;
        mergedIds[slot] = mergedId;
    }

    /** The rank of the rule for this pair, or -1 when there is none. */
    int rank(int left, int right) {
        int slot = slot(key(left, right));
        return keys[slot] == EMPTY ? -1 : ranks[slot];
    }

    /** The merged token's id for this pair; only meaningful when {@link #rank} is not -1. */
    int mergedId(int left, int right) {
        return mergedIds[slot(key(left, right))];
    }

    int size() {
        return size;
    }

    private int slot(long key) {
        int slot = (int) mix(key) & mask;
        while (keys[slot] != EMPTY && keys[slot] != key) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private static long key(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    private static long mix(long key) {
        key ^= key >>> 33;
        key *= 0xff51afd7ed558ccdL;
        key ^= key >>> 33;
        return key;
    }
}
