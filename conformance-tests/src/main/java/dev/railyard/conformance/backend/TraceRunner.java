package dev.railyard.conformance.backend;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives a backend directly, without the engine: computes sequences whose tokens are all known in
 * advance (a prompt, then a forced continuation standing in for sampled tokens) and collects the
 * logits at every position from the end of the prompt on. Comparing such traces across ways of
 * running the same sequences (alone or batched, whole or chunked, blocks here or there) is how the
 * backend rules work.
 */
public final class TraceRunner {

    /**
     * One sequence to compute.
     *
     * @param tokens prompt then continuation
     * @param promptLength tokens computed as prefill (in chunks of at most {@code chunk}); the rest
     *     one per step, as decoding does
     * @param chunk largest prefill chunk
     */
    public record Seq(int[] tokens, int promptLength, int chunk) {
        /** Logit rows the trace has: positions {@code promptLength-1 .. tokens.length-1}. */
        public int rows() {
            return tokens.length - promptLength + 1;
        }
    }

    private TraceRunner() {
    }

    /**
     * Computes {@code seqs} on {@code backend} and returns, per sequence, its logit rows.
     *
     * @param together put every unfinished sequence into each step (within the backend's limits);
     *     otherwise one sequence after the other, each alone in its steps
     * @param layout where blocks come from
     */
    public static List<float[][]> run(Backend backend, List<Seq> seqs, boolean together, BlockLayout layout) {
        BackendInfo info = backend.info();
        BlockLayout.Allocator alloc = layout.allocator(info.numBlocks());
        int n = seqs.size();
        int[] computed = new int[n];
        List<List<Integer>> tables = new ArrayList<>();
        List<float[][]> rows = new ArrayList<>();
        int[] rowCount = new int[n];
        for (Seq s : seqs) {
            tables.add(new ArrayList<>());
            rows.add(new float[s.rows()][]);
        }
        int current = 0;
        while (true) {
            List<Integer> members = new ArrayList<>();
            List<Integer> lengths = new ArrayList<>();
            int tokens = 0;
            for (int i = together ? 0 : current; i < n; i++) {
                Seq s = seqs.get(i);
                if (computed[i] >= s.tokens().length) {
                    if (!together && i == current) {
                        current++;
                    }
                    continue;
                }
                int len = computed[i] < s.promptLength() ? Math.min(s.chunk(), s.promptLength() - computed[i]) : 1;
                if (tokens + len > info.maxTokensPerStep() || members.size() >= info.maxSequencesPerStep()) {
                    break;
                }
                members.add(i);
                lengths.add(len);
                tokens += len;
                if (!together) {
                    break;
                }
            }
            if (members.isEmpty()) {
                break;
            }
            int[] flat = new int[tokens];
            int[] positions = new int[tokens];
            List<SequenceSlice> slices = new ArrayList<>();
            List<Integer> logitIdx = new ArrayList<>();
            int offset = 0;
            for (int m = 0; m < members.size(); m++) {
                int i = members.get(m);
                int len = lengths.get(m);
                Seq s = seqs.get(i);
                List<Integer> table = tables.get(i);
                while (table.size() * info.blockSize() < computed[i] + len) {
                    table.add(alloc.next());
                }
                for (int j = 0; j < len; j++) {
                    flat[offset + j] = s.tokens()[computed[i] + j];
                    positions[offset + j] = computed[i] + j;
                }
                if (computed[i] + len >= s.promptLength()) {
                    logitIdx.add(offset + len - 1);
                }
                slices.add(new SequenceSlice(i, offset, len, computed[i], table.stream().mapToInt(Integer::intValue).toArray()));
                offset += len;
            }
            Logits logits = backend.execute(new StepBatch(flat, positions, slices,
                    logitIdx.stream().mapToInt(Integer::intValue).toArray()));
            int row = 0;
            for (int m = 0; m < members.size(); m++) {
                int i = members.get(m);
                computed[i] += lengths.get(m);
                if (computed[i] >= seqs.get(i).promptLength()) {
                    rows.get(i)[rowCount[i]++] = logits.row(row++);
                }
            }
        }
        return rows;
    }

    /** A continuation of {@code length} tokens, deterministic from {@code seed}. */
    public static int[] tokens(int length, int vocab, long seed) {
        int[] t = new int[length];
        long h = seed * 0x9E3779B97F4A7C15L + 1;
        for (int i = 0; i < length; i++) {
            h ^= h >>> 33;
            h *= 0xff51afd7ed558ccdL;
            h ^= h >>> 33;
            t[i] = (int) Math.floorMod(h, vocab);
        }
        return t;
    }

    /** {@code prompt} followed by {@code continuation}. */
    public static int[] concat(int[] prompt, int[] continuation) {
        int[] all = Arrays.copyOf(prompt, prompt.length + continuation.length);
        System.arraycopy(continuation, 0, all, prompt.length, continuation.length);
        return all;
    }
}
