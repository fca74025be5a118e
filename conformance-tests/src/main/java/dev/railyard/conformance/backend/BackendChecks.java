package dev.railyard.conformance.backend;

import dev.railyard.conformance.Rule;
import dev.railyard.conformance.RuleSkipped;
import dev.railyard.conformance.RuleViolation;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The backend rules B1..B7, each a method that returns a short note on what it checked or throws
 * a {@link RuleViolation} (or {@link RuleSkipped}). Every check opens fresh backends from the
 * setup, drives them directly with {@link TraceRunner} and closes them.
 */
final class BackendChecks {

    private final BackendSetup setup;
    private final BackendSetup reference;
    private final BackendInfo info;
    private final double tolerance;
    private final boolean invariant;

    BackendChecks(BackendSetup setup, BackendSetup reference, BackendInfo info) {
        this.setup = setup;
        this.reference = reference;
        this.info = info;
        this.tolerance = info.logitsTolerance();
        this.invariant = info.has(BackendCapability.BATCH_INVARIANT);
    }

    /** Tolerance for comparisons of this backend with itself: exact when batch-invariant. */
    private double selfTolerance() {
        return invariant ? 0 : tolerance;
    }

    private String toleranceText(double tol) {
        return tol == 0 ? "exact agreement" : "relative L2 error at most " + tol;
    }

    /** A few sequences of varied lengths that fit this backend, each with a continuation. */
    List<TraceRunner.Seq> sequences(int count, int decode) {
        int bs = setup.blockSize();
        int maxPrompt = Math.max(1, Math.min(info.maxContextLength() - decode - 1, chunkedPrefill() ? 4 * bs + 9 : info.maxTokensPerStep()));
        int[] lengths = {1, 5, bs + 1, 2 * bs + 3, 4 * bs + 9, 3, 2 * bs, bs - 1};
        List<TraceRunner.Seq> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int len = Math.max(1, Math.min(lengths[i % lengths.length], maxPrompt));
            int[] tokens = TraceRunner.tokens(len + decode, info.vocabSize(), 1000 + i);
            out.add(new TraceRunner.Seq(tokens, len, Math.min(len, info.maxTokensPerStep())));
        }
        return out;
    }

    private boolean chunkedPrefill() {
        return info.has(BackendCapability.CHUNKED_PREFILL);
    }

    private List<float[][]> trace(BackendSetup s, List<TraceRunner.Seq> seqs, boolean together, BlockLayout layout) {
        return trace(s, setup.blockSize(), seqs, together, layout);
    }

    private List<float[][]> trace(BackendSetup s, int blockSize, List<TraceRunner.Seq> seqs, boolean together, BlockLayout layout) {
        try (Backend b = s.open(Clock.system(), blockSize, 0)) {
            return TraceRunner.run(b, seqs, together, layout);
        }
    }

    String b1ReferenceAgreement() {
        if (reference == null) {
            if (setup.profile().reference() == null && !setup.profile().provider().name().equals(BackendProfile.CPU_REFERENCE)
                    && !setup.isSimulated()) {
                throw new RuleSkipped(Rule.B1_REFERENCE_AGREEMENT, "the reference backend '" + BackendProfile.CPU_REFERENCE
                        + "' is not on the class path; add railyard-backend-cpu-reference as a test dependency");
            }
            List<TraceRunner.Seq> seqs = sequences(5, 6);
            LogitsComparison c = LogitsComparison.compare(trace(setup, seqs, false, BlockLayout.SEQUENTIAL),
                    trace(setup, seqs, false, BlockLayout.SEQUENTIAL));
            RuleViolation.require(c.exact(), Rule.B1_REFERENCE_AGREEMENT, "two identical runs of " + setup.name() + " differ: "
                    + c.describe(), "the backend is deterministic: no uninitialised memory, no racy reductions");
            return setup.name() + " is its own reference: identical runs agree bit for bit";
        }
        List<TraceRunner.Seq> seqs = sequences(5, 6);
        List<float[][]> mine = trace(setup, seqs, false, BlockLayout.SEQUENTIAL);
        List<float[][]> theirs = trace(reference, seqs, false, BlockLayout.SEQUENTIAL);
        LogitsComparison c = LogitsComparison.compare(mine, theirs);
        RuleViolation.require(c.within(tolerance), Rule.B1_REFERENCE_AGREEMENT,
                c.describe() + " against " + reference.name() + " (declared tolerance " + tolerance + ")",
                "the model's arithmetic (RoPE, RMSNorm, GQA, bias, tied head) against the reference, or declare the tolerance "
                        + "the backend really has in BackendInfo.logitsTolerance");
        return c.describe() + " against " + reference.name() + " over " + seqs.size() + " sequences";
    }

    String b2BatchAgreement() {
        List<TraceRunner.Seq> seqs = sequences(8, 5);
        List<float[][]> alone = trace(setup, seqs, false, BlockLayout.SEQUENTIAL);
        List<float[][]> batched = trace(setup, seqs, true, BlockLayout.SEQUENTIAL);
        LogitsComparison c = LogitsComparison.compare(batched, alone);
        double tol = selfTolerance();
        RuleViolation.require(c.within(tol), Rule.B2_BATCH_AGREEMENT, "batched logits differ from the same sequences alone: "
                        + c.describe() + " (" + toleranceText(tol) + " required)",
                "that each slice reads and writes only its own block table, offsets and positions, and that reductions do "
                        + "not depend on the batch" + (invariant ? " (the backend declares BATCH_INVARIANT)" : ""));
        return c.describe() + " for " + seqs.size() + " sequences batched vs alone";
    }

    String b3Paging() {
        List<TraceRunner.Seq> seqs = sequences(5, 5);
        List<float[][]> base = trace(setup, seqs, false, BlockLayout.SEQUENTIAL);
        double tol = selfTolerance();
        List<String> checked = new ArrayList<>();
        for (BlockLayout layout : new BlockLayout[] {BlockLayout.REVERSED, BlockLayout.SHUFFLED}) {
            LogitsComparison c = LogitsComparison.compare(trace(setup, seqs, false, layout), base);
            RuleViolation.require(c.within(tol), Rule.B3_PAGING, "with blocks laid out " + layout + " the logits differ: "
                    + c.describe(), "position p lives in block blockTable[p / blockSize] at slot p % blockSize, for every block id "
                    + "up to numBlocks - 1");
            checked.add(layout.name().toLowerCase());
        }
        int bs = setup.blockSize();
        for (int other : new int[] {bs * 2, Math.max(1, bs / 2)}) {
            if (other == bs) {
                continue;
            }
            List<float[][]> t;
            try {
                t = trace(setup, other, seqs, false, BlockLayout.SHUFFLED);
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                checked.add("block size " + other + " refused (" + e.getMessage() + ")");
                continue;
            }
            LogitsComparison c = LogitsComparison.compare(t, base);
            RuleViolation.require(c.within(tol), Rule.B3_PAGING, "with block size " + other + " instead of " + bs
                    + " the logits differ: " + c.describe(), "that the block size comes from BackendContext.blockSize and is "
                    + "used everywhere positions are mapped to slots");
            checked.add("block size " + other);
        }
        return "same logits with blocks " + String.join(", ", checked);
    }

    String b4StepShapes() {
        int maxTokens = info.maxTokensPerStep();
        int perSequence = info.maxContextLength() - 1;
        int maxSeqs = Math.min(Math.min(info.maxSequencesPerStep(), info.maxTokensPerStep()), info.numBlocks());
        TreeSet<Integer> tokenShapes = shapes(maxTokens);
        TreeSet<Integer> seqShapes = shapes(maxSeqs);
        try (Backend b = setup.open(Clock.system(), 0)) {
            for (int n : tokenShapes) {
                // one sequence, or as few as fit the context when the step is longer than a context
                int parts = Math.ceilDiv(n, perSequence);
                if (parts > info.maxSequencesPerStep() || !chunkedPrefill() && parts > 1) {
                    continue;
                }
                List<SequenceSlice> slices = new ArrayList<>();
                int[] logits = new int[parts];
                int offset = 0;
                int nextBlock = 0;
                for (int p = 0; p < parts; p++) {
                    int len = Math.min(perSequence, n - offset);
                    int blocks = Math.ceilDiv(len, setup.blockSize());
                    slices.add(slice(p, offset, len, 0, range(nextBlock, blocks)));
                    nextBlock += blocks;
                    offset += len;
                    logits[p] = offset - 1;
                }
                if (nextBlock > info.numBlocks()) {
                    continue;
                }
                runShape(b, slices, logits, n + " tokens" + (parts > 1 ? " in " + parts + " sequences" : " of one sequence"));
            }
            for (int s : seqShapes) {
                List<SequenceSlice> slices = new ArrayList<>();
                int[] logits = new int[s];
                for (int i = 0; i < s; i++) {
                    slices.add(slice(i, i, 1, 0, new int[] {i % info.numBlocks()}));
                    logits[i] = i;
                }
                runShape(b, slices, logits, s + " sequences of one token");
            }
            if (maxSeqs >= 2 && maxTokens >= 2 && chunkedPrefill()) {
                int decodes = Math.min(maxSeqs - 1, maxTokens / 2);
                int chunk = Math.min(maxTokens - decodes, perSequence);
                List<SequenceSlice> slices = new ArrayList<>();
                int chunkBlocks = Math.ceilDiv(chunk, setup.blockSize());
                if (chunkBlocks + decodes <= info.numBlocks()) {
                    slices.add(slice(0, 0, chunk, 0, range(0, chunkBlocks)));
                    int[] logits = new int[decodes + 1];
                    logits[0] = chunk - 1;
                    for (int i = 0; i < decodes; i++) {
                        slices.add(slice(i + 1, chunk + i, 1, 0, new int[] {chunkBlocks + i}));
                        logits[i + 1] = chunk + i;
                    }
                    runShape(b, slices, logits, "a " + chunk + "-token chunk with " + decodes + " decodes");
                }
            }
        }
        return "tokens per step " + tokenShapes.first() + ".." + tokenShapes.last() + " (" + tokenShapes.size()
                + " shapes), sequences per step " + seqShapes.first() + ".." + seqShapes.last() + " (" + seqShapes.size() + " shapes)";
    }

    /** Every size up to 64, then powers of two and their neighbours, and the maximum and its neighbours. */
    static TreeSet<Integer> shapes(int max) {
        TreeSet<Integer> s = new TreeSet<>();
        for (int i = 1; i <= Math.min(64, max); i++) {
            s.add(i);
        }
        for (int p = 64; p <= max; p *= 2) {
            s.add(p - 1);
            s.add(p);
            s.add(Math.min(max, p + 1));
        }
        s.add(max);
        s.add(Math.max(1, max - 1));
        s.removeIf(n -> n < 1 || n > max);
        return s;
    }

    private void runShape(Backend b, List<SequenceSlice> slices, int[] logitIdx, String what) {
        int total = slices.stream().mapToInt(SequenceSlice::length).sum();
        int[] tokens = new int[total];
        int[] positions = new int[total];
        for (SequenceSlice s : slices) {
            for (int j = 0; j < s.length(); j++) {
                tokens[s.offset() + j] = (int) ((s.sequenceId() * 31 + j * 7) % info.vocabSize());
                positions[s.offset() + j] = s.contextLength() + j;
            }
        }
        Logits l;
        try {
            l = b.execute(new StepBatch(tokens, positions, slices, logitIdx));
        } catch (RuntimeException e) {
            throw new RuleViolation(Rule.B4_STEP_SHAPES, "a step of " + what + " (within the declared limits: "
                    + info.maxTokensPerStep() + " tokens, " + info.maxSequencesPerStep() + " sequences) failed with " + e,
                    "that every shape up to the declared maximum is supported, or declare smaller limits in BackendInfo");
        }
        RuleViolation.require(l.rows() == logitIdx.length && l.vocabSize() == info.vocabSize()
                        && l.data().length >= logitIdx.length * info.vocabSize(), Rule.B4_STEP_SHAPES,
                "a step of " + what + " returned " + l.rows() + " rows of " + l.vocabSize() + " for " + logitIdx.length
                        + " logit indices and a vocabulary of " + info.vocabSize(),
                "one row per logit index, vocabSize columns each");
        for (int i = 0; i < logitIdx.length * info.vocabSize(); i++) {
            if (!Float.isFinite(l.data()[i])) {
                throw new RuleViolation(Rule.B4_STEP_SHAPES, "a step of " + what + " returned a non-finite logit ("
                        + l.data()[i] + ") in row " + i / info.vocabSize(), "padding and masking for this shape");
            }
        }
    }

    private static SequenceSlice slice(long id, int offset, int length, int context, int[] table) {
        return new SequenceSlice(id, offset, length, context, table);
    }

    private static int[] range(int from, int count) {
        int[] r = new int[count];
        for (int i = 0; i < count; i++) {
            r[i] = from + i;
        }
        return r;
    }

    String b5MalformedSteps() {
        int bs = setup.blockSize();
        int promptLen = Math.max(2, Math.min(2 * bs + 3, Math.min(info.maxTokensPerStep(), info.maxContextLength() - 8)));
        int[] tokens = TraceRunner.tokens(promptLen + 4, info.vocabSize(), 77);
        List<TraceRunner.Seq> seqA = List.of(new TraceRunner.Seq(tokens, promptLen, promptLen));
        List<float[][]> expected = trace(setup, seqA, false, BlockLayout.SEQUENTIAL);
        int aBlocks = Math.ceilDiv(promptLen + 4, bs);
        List<String> refused = new ArrayList<>();
        try (Backend b = setup.open(Clock.system(), 0)) {
            int[] tableA = range(0, aBlocks);
            int[] bTable = {Math.min(aBlocks, info.numBlocks() - 1)};
            // prefill A
            b.execute(new StepBatch(java.util.Arrays.copyOf(tokens, promptLen), range(0, promptLen),
                    List.of(slice(0, 0, promptLen, 0, tableA)), new int[] {promptLen - 1}));
            int k = Math.min(3, promptLen);
            for (Malformed m : malformations(bTable, bs)) {
                StepBatch bad = m.build.apply(k);
                // the first slice rewrites A's first positions with other tokens: harmless only if nothing is written
                try {
                    b.execute(bad);
                    throw new RuleViolation(Rule.B5_MALFORMED_STEPS, "a step with " + m.what + " was accepted",
                            "validate every step before computing it and throw InvalidStepException naming the problem");
                } catch (InvalidStepException expectedRefusal) {
                    refused.add(m.what);
                } catch (RuleViolation v) {
                    throw v;
                } catch (RuntimeException other) {
                    throw new RuleViolation(Rule.B5_MALFORMED_STEPS, "a step with " + m.what + " threw " + other
                            + " instead of InvalidStepException", "validate every step before computing it");
                }
            }
            // continue A as the reference run did: the pool must be as it was
            List<float[][]> after = new ArrayList<>();
            float[][] rows = new float[4][];
            for (int j = 0; j < 4; j++) {
                int pos = promptLen + j;
                Logits l = b.execute(new StepBatch(new int[] {tokens[pos]}, new int[] {pos},
                        List.of(slice(0, 0, 1, pos, tableA)), new int[] {0}));
                rows[j] = l.row(0);
            }
            after.add(rows);
            float[][] exp = new float[4][];
            System.arraycopy(expected.get(0), 1, exp, 0, 4);
            LogitsComparison c = LogitsComparison.compare(after, List.<float[][]>of(exp));
            RuleViolation.require(c.within(selfTolerance()), Rule.B5_MALFORMED_STEPS,
                    "after refusing malformed steps, a sequence's next logits differ from a clean run: " + c.describe(),
                    "that a refused step writes nothing: validate the whole step before touching the KV pool");
        }
        return "refused " + refused.size() + " malformed steps (" + String.join("; ", refused) + ") and stayed usable";
    }

    private record Malformed(String what, Function<Integer, StepBatch> build) {
    }

    /** Steps whose first slice rewrites positions 0..k-1 of sequence A (blocks 0..) and whose second slice is bad. */
    private List<Malformed> malformations(int[] bTable, int bs) {
        int vocab = info.vocabSize();
        List<Malformed> out = new ArrayList<>();
        out.add(new Malformed("token " + vocab + " (outside the vocabulary)", k -> withB(k, new int[] {1, vocab, 2}, null, bTable, 0, null)));
        out.add(new Malformed("token -1", k -> withB(k, new int[] {1, -1, 2}, null, bTable, 0, null)));
        out.add(new Malformed("block " + info.numBlocks() + " (outside the pool)",
                k -> withB(k, new int[] {1, 2, 3}, null, new int[] {info.numBlocks()}, 0, null)));
        out.add(new Malformed("an empty block table", k -> withB(k, new int[] {1, 2, 3}, null, new int[0], 0, null)));
        out.add(new Malformed("positions that do not match the context", k -> withB(k, new int[] {1, 2, 3}, new int[] {5, 6, 7},
                bTable, 0, null)));
        out.add(new Malformed("a logit index past the last token", k -> withB(k, new int[] {1, 2, 3}, null, bTable, 0, k + 3)));
        int ctx = info.maxContextLength() - 1;
        int[] longTable = new int[Math.ceilDiv(ctx + 3, bs)];
        java.util.Arrays.fill(longTable, bTable[0]);
        out.add(new Malformed("a sequence growing past the context length " + info.maxContextLength(),
                k -> withB(k, new int[] {1, 2, 3}, new int[] {ctx, ctx + 1, ctx + 2}, longTable, ctx, null)));
        if (info.maxTokensPerStep() < 1 << 16) {
            int over = info.maxTokensPerStep() + 1;
            out.add(new Malformed("a step of " + (over + 3) + " tokens, over the declared " + info.maxTokensPerStep(), k -> {
                int[] t = new int[over];
                int[] table = new int[Math.ceilDiv(over, bs)];
                java.util.Arrays.fill(table, bTable[0]);
                return withB(k, t, null, table, 0, null);
            }));
        }
        return out;
    }

    private StepBatch withB(int k, int[] bTokens, int[] bPositions, int[] bTable, int bContext, Integer badLogit) {
        int n = k + bTokens.length;
        int[] tokens = new int[n];
        int[] positions = new int[n];
        for (int j = 0; j < k; j++) {
            tokens[j] = (j * 13 + 5) % info.vocabSize();
            positions[j] = j;
        }
        for (int j = 0; j < bTokens.length; j++) {
            tokens[k + j] = bTokens[j];
            positions[k + j] = bPositions == null ? bContext + j : bPositions[j];
        }
        int aBlocks = Math.ceilDiv(k, setup.blockSize());
        List<SequenceSlice> slices = List.of(slice(0, 0, k, 0, range(0, aBlocks)),
                slice(1, k, bTokens.length, bContext, bTable));
        int[] logits = {k - 1, badLogit == null ? n - 1 : badLogit};
        return new StepBatch(tokens, positions, slices, logits);
    }

    String b6ChunkedPrefill() {
        int bs = setup.blockSize();
        int len = Math.max(2, Math.min(info.maxTokensPerStep(), Math.min(3 * bs + 5, info.maxContextLength() - 5)));
        int[] tokens = TraceRunner.tokens(len + 4, info.vocabSize(), 4242);
        List<float[][]> whole = trace(setup, List.of(new TraceRunner.Seq(tokens, len, len)), false, BlockLayout.SEQUENTIAL);
        List<String> chunks = new ArrayList<>();
        for (int chunk : new int[] {1, 3, Math.max(1, bs - 1), bs + 1, Math.max(1, len / 2)}) {
            List<float[][]> t = trace(setup, List.of(new TraceRunner.Seq(tokens, len, chunk)), false, BlockLayout.SEQUENTIAL);
            LogitsComparison c = LogitsComparison.compare(t, whole);
            RuleViolation.require(c.within(selfTolerance()), Rule.B6_CHUNKED_PREFILL, "a " + len + "-token prompt in chunks of "
                    + chunk + " gives other logits than whole: " + c.describe(),
                    "that a chunk attends to the cached positions 0..contextLength-1 as well as to itself, causally");
            chunks.add(Integer.toString(chunk));
        }
        return "a " + len + "-token prompt in chunks of " + String.join(", ", chunks) + " matches the whole prompt";
    }

    String b7MultiPositionLogits() {
        int bs = setup.blockSize();
        int len = Math.max(2, Math.min(info.maxTokensPerStep(), Math.min(2 * bs + 5, info.maxContextLength() - 1)));
        int[] tokens = TraceRunner.tokens(len, info.vocabSize(), 99);
        List<float[][]> oneByOne = trace(setup, List.of(new TraceRunner.Seq(tokens, 1, 1)), false, BlockLayout.SEQUENTIAL);
        float[][] multi = new float[len][];
        try (Backend b = setup.open(Clock.system(), 0)) {
            int[] idx = new int[len];
            for (int i = 0; i < len; i++) {
                idx[i] = len - 1 - i; // reversed: rows must follow the order asked
            }
            Logits l = b.execute(new StepBatch(tokens, range(0, len), List.of(slice(0, 0, len, 0, range(0, Math.ceilDiv(len, bs)))), idx));
            for (int i = 0; i < len; i++) {
                multi[len - 1 - i] = l.row(i);
            }
        }
        LogitsComparison c = LogitsComparison.compare(List.<float[][]>of(multi), oneByOne);
        RuleViolation.require(c.within(selfTolerance()), Rule.B7_MULTI_POSITION_LOGITS, "logits at all " + len
                + " positions of one step (asked in reverse order) differ from one position at a time: " + c.describe(),
                "that row i of the result is the logits of flat index logitIndices[i], in the order asked");
        return "all " + len + " positions in one step (asked in reverse order) match one at a time";
    }
}
