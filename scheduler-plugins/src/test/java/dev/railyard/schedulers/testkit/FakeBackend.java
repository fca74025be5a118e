package dev.railyard.schedulers.testkit;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A deterministic "model" on a paged KV cache, for drafter tests. Each step it checks the batch
 * like a strict backend (slices, positions, block tables, vocabulary, step limits), writes each
 * token into its KV slot, and computes the logits at a position from the two tokens it reads
 * back from the cache at that position and the one before, through the sequence's block table:
 * a wrong block table or a stale cache gives different logits. The most likely next token is
 * {@link #next(int, int)}.
 */
public final class FakeBackend implements Backend {

    private final BackendInfo info;
    private final int[] kv;
    private final float sharpness;
    private final List<StepBatch> steps = new ArrayList<>();
    private boolean closed;

    public FakeBackend(int blockSize, int numBlocks, int maxTokensPerStep, int maxSequencesPerStep, int vocabSize, int maxContext,
                       float sharpness) {
        this.info = new BackendInfo("fake", "test", "float32", blockSize, numBlocks, maxTokensPerStep, maxSequencesPerStep, vocabSize,
                maxContext, Set.of(BackendCapability.CHUNKED_PREFILL, BackendCapability.MULTI_POSITION_LOGITS), 0);
        this.kv = new int[blockSize * numBlocks];
        Arrays.fill(kv, -1);
        this.sharpness = sharpness;
    }

    /** The model's favourite token after {@code prev, cur}. */
    public int next(int prev, int cur) {
        return Math.floorMod(cur * 31 + prev * 17 + 7, info.vocabSize());
    }

    /** Greedy continuation of {@code tokens} by {@code k} tokens. */
    public int[] greedy(int[] tokens, int k) {
        int[] t = Arrays.copyOf(tokens, tokens.length + k);
        for (int i = tokens.length; i < t.length; i++) {
            t[i] = next(i >= 2 ? t[i - 2] : -1, t[i - 1]);
        }
        return Arrays.copyOfRange(t, tokens.length, t.length);
    }

    /** The logits row after {@code prev, cur}. */
    public float[] logits(int prev, int cur) {
        int v = info.vocabSize();
        int best = next(prev, cur);
        float[] row = new float[v];
        for (int i = 0; i < v; i++) {
            int d = Math.min(Math.floorMod(i - best, v), Math.floorMod(best - i, v));
            row[i] = -sharpness * d + 0.01f * ((i * 7 + cur) % 5);
        }
        return row;
    }

    public List<StepBatch> steps() {
        return steps;
    }

    public boolean closed() {
        return closed;
    }

    @Override
    public BackendInfo info() {
        return info;
    }

    @Override
    public Logits execute(StepBatch batch) {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        int n = batch.numTokens();
        check(n >= 1 && n <= info.maxTokensPerStep(), "step of " + n + " tokens");
        check(batch.slices().size() <= info.maxSequencesPerStep(), batch.slices().size() + " sequences");
        check(batch.positions().length == n, "positions");
        int expectOffset = 0;
        Set<Long> ids = new HashSet<>();
        Set<Integer> blocksOfStep = new HashSet<>();
        for (SequenceSlice s : batch.slices()) {
            check(ids.add(s.sequenceId()), "sequence " + s.sequenceId() + " twice");
            check(s.offset() == expectOffset && s.length() >= 1, "slice offsets");
            expectOffset += s.length();
            int positions = s.contextLength() + s.length();
            check(s.blockTable().length >= Math.ceilDiv(positions, info.blockSize()), "block table of sequence " + s.sequenceId()
                    + " too short: " + s.blockTable().length + " blocks for " + positions + " positions");
            Set<Integer> own = new HashSet<>();
            for (int b : s.blockTable()) {
                check(b >= 0 && b < info.numBlocks(), "block " + b);
                check(own.add(b), "block " + b + " twice in one table");
                check(blocksOfStep.add(b), "block " + b + " shared by two sequences of one step");
            }
            for (int j = 0; j < s.length(); j++) {
                check(batch.positions()[s.offset() + j] == s.contextLength() + j, "position");
                int tok = batch.tokens()[s.offset() + j];
                check(tok >= 0 && tok < info.vocabSize(), "token " + tok);
            }
        }
        check(expectOffset == n, "slices cover the batch");
        steps.add(batch);
        for (SequenceSlice s : batch.slices()) {
            for (int j = 0; j < s.length(); j++) {
                int p = s.contextLength() + j;
                kv[slot(s, p)] = batch.tokens()[s.offset() + j];
            }
        }
        int v = info.vocabSize();
        float[] out = new float[batch.logitIndices().length * v];
        for (int r = 0; r < batch.logitIndices().length; r++) {
            int idx = batch.logitIndices()[r];
            SequenceSlice s = sliceOf(batch, idx);
            int p = batch.positions()[idx];
            int cur = kv[slot(s, p)];
            int prev = p >= 1 ? kv[slot(s, p - 1)] : -1;
            System.arraycopy(logits(prev, cur), 0, out, r * v, v);
        }
        return new Logits(out, batch.logitIndices().length, v);
    }

    private int slot(SequenceSlice s, int p) {
        return s.blockTable()[p / info.blockSize()] * info.blockSize() + p % info.blockSize();
    }

    private static SequenceSlice sliceOf(StepBatch b, int idx) {
        for (SequenceSlice s : b.slices()) {
            if (idx >= s.offset() && idx < s.offset() + s.length()) {
                return s;
            }
        }
        throw new InvalidStepException("logit index " + idx + " outside the batch");
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new InvalidStepException(what);
        }
    }

    @Override
    public void close() {
        closed = true;
    }
}
