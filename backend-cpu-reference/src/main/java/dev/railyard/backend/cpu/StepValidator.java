package dev.railyard.backend.cpu;

import dev.railyard.spi.backend.InvalidStepException;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import java.util.List;

/**
 * Checks a {@link StepBatch} completely before anything is computed or written, so that a
 * refused step leaves the KV pool untouched. Messages name the sequence (or flat index) and
 * what is wrong.
 */
final class StepValidator {

    private final int vocabSize;
    private final int numBlocks;
    private final int blockSize;
    private final int maxTokensPerStep;
    private final int maxSequencesPerStep;
    private final int maxContextLength;

    StepValidator(int vocabSize, int numBlocks, int blockSize, int maxTokensPerStep, int maxSequencesPerStep,
                  int maxContextLength) {
        this.vocabSize = vocabSize;
        this.numBlocks = numBlocks;
        this.blockSize = blockSize;
        this.maxTokensPerStep = maxTokensPerStep;
        this.maxSequencesPerStep = maxSequencesPerStep;
        this.maxContextLength = maxContextLength;
    }

    /** @throws InvalidStepException describing the first problem found */
    void validate(StepBatch batch) {
        if (batch == null) {
            throw new InvalidStepException("step batch is null");
        }
        int n = batch.numTokens();
        List<SequenceSlice> slices = batch.slices();
        if (n == 0 || slices.isEmpty()) {
            throw new InvalidStepException("empty step: " + n + " tokens in " + slices.size() + " sequences");
        }
        if (batch.positions().length != n) {
            throw new InvalidStepException("step has " + n + " tokens but " + batch.positions().length + " positions");
        }
        if (n > maxTokensPerStep) {
            throw new InvalidStepException("step has " + n + " tokens, more than max-tokens-per-step " + maxTokensPerStep);
        }
        if (slices.size() > maxSequencesPerStep) {
            throw new InvalidStepException("step has " + slices.size() + " sequences, more than max-sequences-per-step "
                    + maxSequencesPerStep);
        }
        int expectedOffset = 0;
        for (SequenceSlice s : slices) {
            if (s == null) {
                throw new InvalidStepException("step has a null sequence slice");
            }
            String who = "sequence " + s.sequenceId();
            if (s.length() < 1) {
                throw new InvalidStepException(who + ": slice length must be at least 1, was " + s.length());
            }
            if (s.offset() != expectedOffset) {
                throw new InvalidStepException(who + ": slice starts at flat index " + s.offset() + ", expected "
                        + expectedOffset + " (slices must cover the batch in order, without gaps or overlaps)");
            }
            if (s.contextLength() < 0) {
                throw new InvalidStepException(who + ": negative context length " + s.contextLength());
            }
            if ((long) s.offset() + s.length() > n) {
                throw new InvalidStepException(who + ": slice [" + s.offset() + ", " + ((long) s.offset() + s.length())
                        + ") runs past the step's " + n + " tokens");
            }
            long total = (long) s.contextLength() + s.length();
            if (total > maxContextLength) {
                throw new InvalidStepException(who + ": context " + s.contextLength() + " + " + s.length()
                        + " new tokens exceeds the maximum context length " + maxContextLength);
            }
            for (int i = 0; i < s.length(); i++) {
                int flat = s.offset() + i;
                int pos = batch.positions()[flat];
                if (pos != s.contextLength() + i) {
                    throw new InvalidStepException(who + ": token at flat index " + flat + " has position " + pos
                            + ", expected " + (s.contextLength() + i) + " (context length " + s.contextLength()
                            + " + " + i + ")");
                }
                int tok = batch.tokens()[flat];
                if (tok < 0 || tok >= vocabSize) {
                    throw new InvalidStepException(who + ": token id " + tok + " at flat index " + flat
                            + " is outside the vocabulary [0, " + vocabSize + ")");
                }
            }
            int[] table = s.blockTable();
            if (table == null) {
                throw new InvalidStepException(who + ": block table is null");
            }
            int needed = (int) ((total + blockSize - 1) / blockSize);
            if (table.length < needed) {
                throw new InvalidStepException(who + ": block table has " + table.length + " blocks, but "
                        + total + " positions need " + needed + " blocks of " + blockSize);
            }
            for (int b = 0; b < needed; b++) {
                if (table[b] < 0 || table[b] >= numBlocks) {
                    throw new InvalidStepException(who + ": block table entry " + b + " is block id " + table[b]
                            + ", outside the pool [0, " + numBlocks + ")");
                }
            }
            expectedOffset = s.offset() + s.length();
        }
        if (expectedOffset != n) {
            throw new InvalidStepException("slices cover flat indices [0, " + expectedOffset + ") but the step has "
                    + n + " tokens");
        }
        for (int i = 0; i < batch.logitIndices().length; i++) {
            int li = batch.logitIndices()[i];
            if (li < 0 || li >= n) {
                throw new InvalidStepException("logit index " + li + " (entry " + i + ") is outside the step's "
                        + n + " tokens");
            }
        }
    }
}
