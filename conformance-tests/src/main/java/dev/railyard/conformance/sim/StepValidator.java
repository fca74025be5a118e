package dev.railyard.conformance.sim;

import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.HashSet;
import java.util.Set;

/**
 * Checks a {@link StepBatch} against a backend's {@link BackendInfo} before anything is written,
 * so that a backend can refuse a malformed step with an {@link InvalidStepException} that names
 * the sequence and the problem, and leave its pool unchanged. Any backend may use it.
 */
public final class StepValidator {

    private final BackendInfo info;
    private final int[] slotStamp;
    private int stamp;

    public StepValidator(BackendInfo info) {
        this.info = info;
        this.slotStamp = new int[Math.multiplyExact(info.numBlocks(), info.blockSize())];
    }

    /**
     * @return for each flat index, the index of its slice in {@code batch.slices()}
     * @throws InvalidStepException naming the problem
     */
    public int[] validate(StepBatch batch) {
        int n = batch.numTokens();
        if (n < 1) {
            throw new InvalidStepException("step has no tokens");
        }
        if (n > info.maxTokensPerStep()) {
            throw new InvalidStepException("step has " + n + " tokens, more than the declared maximum of " + info.maxTokensPerStep());
        }
        if (batch.positions().length != n) {
            throw new InvalidStepException("step has " + n + " tokens but " + batch.positions().length + " positions");
        }
        if (batch.slices().isEmpty()) {
            throw new InvalidStepException("step has no sequences");
        }
        if (batch.slices().size() > info.maxSequencesPerStep()) {
            throw new InvalidStepException("step has " + batch.slices().size() + " sequences, more than the declared maximum of "
                    + info.maxSequencesPerStep());
        }
        int[] sliceOf = new int[n];
        int expectedOffset = 0;
        Set<Long> ids = new HashSet<>();
        if (++stamp == 0) {
            java.util.Arrays.fill(slotStamp, 0);
            stamp = 1;
        }
        int bs = info.blockSize();
        for (int si = 0; si < batch.slices().size(); si++) {
            SequenceSlice s = batch.slices().get(si);
            String who = "sequence " + s.sequenceId();
            if (!ids.add(s.sequenceId())) {
                throw new InvalidStepException(who + " appears twice in the step");
            }
            if (s.offset() != expectedOffset || s.length() < 1) {
                throw new InvalidStepException(who + " has slice [" + s.offset() + ", +" + s.length()
                        + ") but slices must be non-empty, in order and contiguous from 0 (expected offset " + expectedOffset + ")");
            }
            if (s.offset() + s.length() > n) {
                throw new InvalidStepException(who + " has slice [" + s.offset() + ", +" + s.length() + ") beyond the step's " + n + " tokens");
            }
            if (s.contextLength() < 0 || s.contextLength() + s.length() > info.maxContextLength()) {
                throw new InvalidStepException(who + " would reach " + (s.contextLength() + s.length())
                        + " positions, beyond the context length " + info.maxContextLength());
            }
            int needBlocks = Math.ceilDiv(s.contextLength() + s.length(), bs);
            if (s.blockTable() == null || s.blockTable().length < needBlocks) {
                throw new InvalidStepException(who + " has a block table of " + (s.blockTable() == null ? 0 : s.blockTable().length)
                        + " blocks but needs " + needBlocks + " for " + (s.contextLength() + s.length()) + " positions");
            }
            for (int b = 0; b < needBlocks; b++) {
                int block = s.blockTable()[b];
                if (block < 0 || block >= info.numBlocks()) {
                    throw new InvalidStepException(who + " names block " + block + " outside the pool [0, " + info.numBlocks() + ")");
                }
            }
            for (int j = 0; j < s.length(); j++) {
                int flat = s.offset() + j;
                int token = batch.tokens()[flat];
                if (token < 0 || token >= info.vocabSize()) {
                    throw new InvalidStepException(who + " has token " + token + " at flat index " + flat
                            + ", outside the vocabulary [0, " + info.vocabSize() + ")");
                }
                int pos = s.contextLength() + j;
                if (batch.positions()[flat] != pos) {
                    throw new InvalidStepException(who + " has position " + batch.positions()[flat] + " at flat index " + flat
                            + ", expected " + pos);
                }
                int slot = s.blockTable()[pos / bs] * bs + pos % bs;
                if (slotStamp[slot] == stamp) {
                    throw new InvalidStepException(who + " writes KV slot " + pos % bs + " of block " + s.blockTable()[pos / bs]
                            + ", which another token of this step also writes");
                }
                slotStamp[slot] = stamp;
                sliceOf[flat] = si;
            }
            expectedOffset += s.length();
        }
        if (expectedOffset != n) {
            throw new InvalidStepException("slices cover " + expectedOffset + " of the step's " + n + " tokens");
        }
        boolean multi = info.has(BackendCapability.MULTI_POSITION_LOGITS);
        int[] rowsPerSlice = new int[batch.slices().size()];
        for (int idx : batch.logitIndices()) {
            if (idx < 0 || idx >= n) {
                throw new InvalidStepException("logit index " + idx + " is outside the step's " + n + " tokens");
            }
            if (++rowsPerSlice[sliceOf[idx]] > 1 && !multi) {
                throw new InvalidStepException("sequence " + batch.slices().get(sliceOf[idx]).sequenceId()
                        + " asks for logits at several positions, which this backend does not declare (MULTI_POSITION_LOGITS)");
            }
        }
        return sliceOf;
    }
}
