package dev.railyard.host.tokenizer;

/**
 * Applies BPE merges to one word: repeatedly merges the adjacent pair whose rule has the lowest
 * rank (leftmost first on ties) until no rule applies. The pairs wait in a binary heap and the
 * symbols form a linked list over arrays, so a word of n symbols takes O(n log n), not O(n²), which
 * matters for long words such as SentencePiece inputs without pre-tokenization.
 *
 * <p>Same algorithm and tie-breaking as the Hugging Face {@code Word::merge_all}. Not thread-safe:
 * callers use one merger per call.
 */
final class BpeMerger {

    private final MergeTable merges;

    BpeMerger(MergeTable merges) {
        this.merges = merges;
    }

    /**
     * Merges {@code symbols[0..count)} in place and returns how many symbols remain in
     * {@code symbols[0..result)}.
     */
    int merge(int[] symbols, int count) {
        if (count < 2) {
            return count;
        }
        int[] next = new int[count];
        int[] prev = new int[count];
        for (int i = 0; i < count; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < count ? i + 1 : -1;
        }
        LongHeap queue = new LongHeap(count);
        for (int i = 0; i + 1 < count; i++) {
            int rank = merges.rank(symbols[i], symbols[i + 1]);
            if (rank >= 0) {
                queue.push(entry(rank, i));
            }
        }
        while (!queue.isEmpty()) {
            long top = queue.pop();
            int rank = (int) (top >>> 32);
            int pos = (int) top;
            if (symbols[pos] < 0 || next[pos] < 0) {
                continue; // merged away, or now the last symbol
            }
            int right = next[pos];
            if (merges.rank(symbols[pos], symbols[right]) != rank) {
                continue; // stale: one side changed since this pair was queued
            }
            symbols[pos] = merges.mergedId(symbols[pos], symbols[right]);
            symbols[right] = -1;
            next[pos] = next[right];
            if (next[pos] >= 0) {
                prev[next[pos]] = pos;
            }
            if (prev[pos] >= 0) {
                int r = merges.rank(symbols[prev[pos]], symbols[pos]);
                if (r >= 0) {
                    queue.push(entry(r, prev[pos]));
                }
            }
            if (next[pos] >= 0) {
                int r = merges.rank(symbols[pos], symbols[next[pos]]);
                if (r >= 0) {
                    queue.push(entry(r, pos));
                }
            }
        }
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (symbols[i] >= 0) {
                symbols[kept++] = symbols[i];
            }
        }
        return kept;
    }

    /** Orders by rank, then by position: both are non-negative ints. */
    private static long entry(int rank, int pos) {
        return ((long) rank << 32) | pos;
    }

    /** A min-heap of longs. */
    private static final class LongHeap {
        private long[] items;
        private int size;

        LongHeap(int capacity) {
            items = new long[Math.max(4, capacity)];
        }

        boolean isEmpty() {
            return size == 0;
        }

        void push(long item) {
            if (size == items.length) {
                items = java.util.Arrays.copyOf(items, size * 2);
            }
            int i = size++;
            while (i > 0) {
                int parent = (i - 1) >>> 1;
                if (items[parent] <= item) {
                    break;
                }
                items[i] = items[parent];
                i = parent;
            }
            items[i] = item;
        }

        long pop() {
            long top = items[0];
            long last = items[--size];
            int i = 0;
            while (true) {
                int child = 2 * i + 1;
                if (child >= size) {
                    break;
                }
                if (child + 1 < size && items[child + 1] < items[child]) {
                    child++;
                }
                if (items[child] >= last) {
                    break;
                }
                items[i] = items[child];
                i = child;
            }
            items[i] = last;
            return top;
        }
    }
}
