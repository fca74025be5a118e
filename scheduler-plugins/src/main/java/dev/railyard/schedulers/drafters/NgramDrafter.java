package dev.railyard.schedulers.drafters;

import dev.railyard.spi.scheduler.DraftProposal;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.SequenceView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompt lookup decoding: for each sequence, finds the latest earlier occurrence of its longest
 * suffix of {@code max-ngram} down to {@code min-ngram} tokens within its own tokens (prompt and
 * generated), and proposes the tokens that followed it. When the occurrence overlaps the suffix
 * (a repeating pattern of period {@code p}), the proposal continues the pattern. No model; the
 * proposals are deterministic (point masses).
 *
 * <p>Cost: each sequence has an index, updated incrementally as it grows (a copy of its tokens,
 * a table from each {@code min-ngram} to its latest end, and a chain to the previous end with the
 * same {@code min-ngram}). A lookup walks that chain from the newest occurrence, at most {@code
 * max-candidates} steps, comparing at most {@code max-ngram} tokens each: the work per step does
 * not grow with the sequence's length.
 */
public final class NgramDrafter implements Drafter {

    private final int maxN;
    private final int minN;
    private final int maxCandidates;
    private final Map<Long, Index> indexes = new HashMap<>();

    /** @param config validated configuration */
    public NgramDrafter(NgramConfig config) {
        this.maxN = config.maxNgram;
        this.minN = config.minNgram;
        this.maxCandidates = config.maxCandidates;
    }

    @Override
    public List<DraftProposal> propose(List<SequenceView> sequences, int maxTokens) {
        List<DraftProposal> out = new ArrayList<>(sequences.size());
        for (SequenceView s : sequences) {
            out.add(maxTokens < 1 ? null : proposeOne(s, maxTokens));
        }
        return out;
    }

    /** The proposal for one sequence, or null when its suffix has no earlier match. */
    DraftProposal proposeOne(SequenceView s, int k) {
        Index ix = indexes.computeIfAbsent(s.id(), id -> new Index());
        ix.sync(s);
        int[] t = ix.tokens;
        int length = ix.size;
        if (length <= minN) {
            return null;
        }
        ix.indexUpTo(length - 1);
        int end = ix.head.get(key(t, length, minN), 0);
        int best = 0;
        int bestEnd = 0;
        for (int walked = 0; end > 0 && walked < maxCandidates; walked++) {
            int limit = Math.min(maxN, end);
            int len = 0;
            while (len < limit && t[end - 1 - len] == t[length - 1 - len]) {
                len++;
            }
            if (len >= minN && len > best) {
                best = len;
                bestEnd = end;
                if (len == maxN) {
                    break;
                }
            }
            end = ix.prev[end];
        }
        if (best == 0) {
            return null;
        }
        int period = length - bestEnd;
        int[] draft = new int[k];
        for (int i = 0; i < k; i++) {
            draft[i] = i < period ? t[bestEnd + i] : draft[i - period];
        }
        return DraftProposal.deterministic(draft);
    }

    @Override
    public void onFinished(long sequenceId) {
        indexes.remove(sequenceId);
    }

    /** Sequences with an index (for tests). */
    int indexedSequences() {
        return indexes.size();
    }

    /** The key of the {@code m} tokens ending (exclusive) at {@code end}: exact for m <= 2, else a hash. */
    private static long key(int[] t, int end, int m) {
        if (m == 1) {
            return t[end - 1] & 0xFFFFFFFFL;
        }
        if (m == 2) {
            return (long) t[end - 2] << 32 | t[end - 1] & 0xFFFFFFFFL;
        }
        long h = 0xCBF29CE484222325L;
        for (int i = end - m; i < end; i++) {
            h = (h ^ t[i]) * 0x100000001B3L;
        }
        return h ^ h >>> 29;
    }

    /** A sequence's tokens and its min-ngram chains. */
    private final class Index {
        int[] tokens = new int[64];
        int size;
        /** prev[e]: the previous end with the same min-ngram as the one ending at e, or 0. */
        int[] prev = new int[64];
        /** min-ngram key to its latest end (exclusive, at least minN). */
        LongIntMap head = new LongIntMap(64);
        /** Ends up to here are in the chains. */
        int indexedEnd;

        void sync(SequenceView s) {
            int length = s.totalLength();
            if (length < size) {
                size = 0;
                indexedEnd = 0;
                head = new LongIntMap(64);
            }
            if (length > tokens.length) {
                int cap = Math.max(length, tokens.length * 2);
                tokens = Arrays.copyOf(tokens, cap);
                prev = Arrays.copyOf(prev, cap + 1);
            }
            for (int i = size; i < length; i++) {
                tokens[i] = s.tokenAt(i);
            }
            size = length;
        }

        void indexUpTo(int end) {
            if (prev.length <= end) {
                prev = Arrays.copyOf(prev, Math.max(end + 1, prev.length * 2));
            }
            for (int e = Math.max(indexedEnd + 1, minN); e <= end; e++) {
                long k = key(tokens, e, minN);
                prev[e] = head.get(k, 0);
                head.put(k, e);
            }
            indexedEnd = Math.max(indexedEnd, end);
        }
    }
}
