package dev.railyard.host.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BpeMergerTest {

    // ids: a=0 b=1 c=2 ab=3 bc=4 abc=5
    private final MergeTable merges = merges(new int[][] {
        {0, 1, 3}, // rank 0: a b -> ab
        {1, 2, 4}, // rank 1: b c -> bc
        {3, 2, 5}, // rank 2: ab c -> abc
    });

    @Test
    void mergesLowestRankFirst() {
        assertThat(merge(0, 1, 2)).containsExactly(5); // a b c -> ab c -> abc
        assertThat(merge(1, 2)).containsExactly(4);
        assertThat(merge(2, 0)).containsExactly(2, 0);
    }

    @Test
    void takesTheLeftmostPairWhenRanksTie() {
        // a b a b: both "a b" pairs have rank 0 -> ab ab
        assertThat(merge(0, 1, 0, 1)).containsExactly(3, 3);
    }

    @Test
    void aMergedSymbolCanMergeAgainWithItsNewNeighbours() {
        // b c is rank 1, but a b (rank 0) goes first and then ab c (rank 2)
        assertThat(merge(0, 1, 2, 1, 2)).containsExactly(5, 4);
    }

    @Test
    void handlesEmptyAndSingleSymbols() {
        assertThat(merge()).isEmpty();
        assertThat(merge(2)).containsExactly(2);
    }

    @Test
    void longInputsMergeInNLogNTime() {
        int n = 1_000_000;
        int[] symbols = new int[n];
        for (int i = 0; i < n; i++) {
            symbols[i] = i % 2; // a b a b ...
        }
        long start = System.nanoTime();
        int count = new BpeMerger(merges).merge(symbols, n);
        assertThat(count).isEqualTo(n / 2);
        assertThat(Arrays.stream(symbols, 0, count).allMatch(id -> id == 3)).isTrue();
        assertThat(System.nanoTime() - start).isLessThan(5_000_000_000L);
    }

    private int[] merge(int... symbols) {
        int[] copy = symbols.clone();
        int count = new BpeMerger(merges).merge(copy, copy.length);
        return Arrays.copyOf(copy, count);
    }

    private static MergeTable merges(int[][] rules) {
        MergeTable table = new MergeTable(rules.length);
        for (int rank = 0; rank < rules.length; rank++) {
            table.put(rules[rank][0], rules[rank][1], rank, rules[rank][2]);
        }
        return table;
    }
}
