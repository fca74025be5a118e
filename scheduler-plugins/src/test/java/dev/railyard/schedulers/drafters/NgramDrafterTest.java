package dev.railyard.schedulers.drafters;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.schedulers.testkit.TestSequence;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.SequenceView;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NgramDrafterTest {

    private static NgramDrafter drafter(int max, int min) {
        NgramConfig c = new NgramConfig();
        c.maxNgram = max;
        c.minNgram = min;
        c.maxCandidates = 1_000_000;
        c.validate();
        return new NgramDrafter(c);
    }

    private static int[] propose(NgramDrafter d, SequenceView s, int k) {
        DraftProposal p = d.propose(List.of(s), k).getFirst();
        if (p == null) {
            return null;
        }
        assertThat(p.probabilities()).isNull();
        return p.tokens();
    }

    @Test
    void proposesWhatFollowedTheEarlierOccurrence() {
        NgramDrafter d = drafter(3, 1);
        assertThat(propose(d, new TestSequence(1, 1, 2, 3, 4, 1, 2, 3), 4)).containsExactly(4, 1, 2, 3);
        assertThat(propose(d, new TestSequence(2, 1, 2, 3, 4, 1, 2, 3), 2)).containsExactly(4, 1);
    }

    @Test
    void continuesARepeatingPatternPastTheSequenceEnd() {
        NgramDrafter d = drafter(3, 1);
        assertThat(propose(d, new TestSequence(1, 1, 2, 1, 2, 1), 5)).containsExactly(2, 1, 2, 1, 2);
        assertThat(propose(d, new TestSequence(2, 7, 7, 7), 3)).containsExactly(7, 7, 7);
        assertThat(propose(d, new TestSequence(3, 4, 5, 6, 4, 5, 6, 4), 7)).containsExactly(5, 6, 4, 5, 6, 4, 5);
    }

    @Test
    void theLongestMatchWinsOverAMoreRecentShorterOne() {
        NgramDrafter d = drafter(3, 1);
        // "5 6 7" occurred at the start (then 9); "6 7" occurred more recently (then 1)
        assertThat(propose(d, new TestSequence(1, 5, 6, 7, 9, 8, 6, 7, 1, 2, 5, 6, 7), 1)).containsExactly(9);
    }

    @Test
    void amongEqualMatchesTheLatestWins() {
        NgramDrafter d = drafter(3, 1);
        assertThat(propose(d, new TestSequence(1, 1, 2, 9, 1, 2, 8, 1, 2), 2)).containsExactly(8, 1);
    }

    @Test
    void nothingToProposeWithoutAnEarlierMatch() {
        NgramDrafter d = drafter(3, 1);
        assertThat(propose(d, new TestSequence(1, 1, 2, 3), 4)).isNull();
        assertThat(propose(d, new TestSequence(2, 5), 4)).isNull();
        NgramDrafter d2 = drafter(3, 2);
        assertThat(propose(d2, new TestSequence(3, 1, 2, 3, 1), 4)).isNull(); // only a 1-gram matches
    }

    @Test
    void matchesABruteForceLookupAsSequencesGrowIncrementally() {
        Random r = new Random(42);
        for (int trial = 0; trial < 200; trial++) {
            int max = 1 + r.nextInt(4);
            int min = 1 + r.nextInt(max);
            NgramDrafter d = drafter(max, min);
            int alphabet = 2 + r.nextInt(6);
            TestSequence s = new TestSequence(trial, r.nextInt(alphabet));
            for (int step = 0; step < 120; step++) {
                int k = 1 + r.nextInt(6);
                int[] got = propose(d, s, k);
                int[] want = bruteForce(s.tokens(), max, min, k);
                assertThat(got).as("trial %d step %d tokens %s", trial, step, Arrays.toString(s.tokens())).isEqualTo(want);
                int grow = 1 + r.nextInt(3);
                for (int g = 0; g < grow; g++) {
                    s.append(r.nextInt(alphabet));
                }
            }
        }
    }

    /** For n from max down to min: the latest earlier occurrence of the last n tokens, and what followed. */
    static int[] bruteForce(int[] t, int max, int min, int k) {
        int length = t.length;
        for (int n = max; n >= min; n--) {
            if (n >= length) {
                continue;
            }
            for (int end = length - 1; end >= n; end--) {
                boolean match = true;
                for (int i = 0; i < n && match; i++) {
                    match = t[end - n + i] == t[length - n + i];
                }
                if (match) {
                    int period = length - end;
                    int[] out = new int[k];
                    for (int i = 0; i < k; i++) {
                        out[i] = i < period ? t[end + i] : out[i - period];
                    }
                    return out;
                }
            }
        }
        return null;
    }

    @Test
    void handlesLongSequencesIncrementally() {
        NgramDrafter d = drafter(3, 1);
        Random r = new Random(1);
        TestSequence s = new TestSequence(1, r.nextInt(50));
        int proposals = 0;
        for (int i = 0; i < 50_000; i++) {
            s.append(r.nextInt(50));
            if (propose(d, s, 4) != null) {
                proposals++;
            }
        }
        assertThat(proposals).isGreaterThan(49_000);
    }

    @Test
    void batchesAndForgetsFinishedSequences() {
        NgramDrafter d = drafter(3, 1);
        TestSequence a = new TestSequence(1, 1, 2, 1);
        TestSequence b = new TestSequence(2, 1, 2, 3);
        List<DraftProposal> out = d.propose(List.of(a, b), 2);
        assertThat(out).hasSize(2);
        assertThat(out.get(0).tokens()).containsExactly(2, 1);
        assertThat(out.get(1)).isNull();
        assertThat(d.indexedSequences()).isEqualTo(2);
        d.onFinished(1);
        assertThat(d.indexedSequences()).isEqualTo(1);
    }

    @Test
    void configValidation() {
        NgramConfig c = new NgramConfig();
        c.minNgram = 0;
        assertThatThrownBy(c::validate).isInstanceOf(InvalidConfigException.class).hasMessageContaining("min-ngram");
        NgramConfig c2 = new NgramConfig();
        c2.maxNgram = 1;
        c2.minNgram = 2;
        assertThatThrownBy(c2::validate).hasMessage("max-ngram (1) must be at least min-ngram (2)");
    }
}
