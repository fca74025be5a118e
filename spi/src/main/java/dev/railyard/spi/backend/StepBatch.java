package dev.railyard.spi.backend;

import java.util.List;
import java.util.Objects;

/**
 * One step's work: a flat batch of tokens from many sequences.
 *
 * <p>{@code tokens[i]} is at position {@code positions[i]} of the sequence whose slice contains
 * {@code i}; slices are disjoint, in order, and cover {@code 0..numTokens-1}. {@code
 * logitIndices} lists the flat indices whose logits the host wants, in the order the rows of the
 * returned {@link Logits} must follow. The host builds a new batch each step; arrays are not to
 * be modified by the backend.
 *
 * @param tokens token ids, one per flat position; never null
 * @param positions position of each token in its sequence; same length as {@code tokens}
 * @param slices the sequences of this step; never null, never empty
 * @param logitIndices flat indices to return logits for; never null
 */
public record StepBatch(int[] tokens, int[] positions, List<SequenceSlice> slices, int[] logitIndices) {

    public StepBatch {
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(positions, "positions");
        slices = List.copyOf(slices);
        Objects.requireNonNull(logitIndices, "logitIndices");
    }

    public int numTokens() {
        return tokens.length;
    }
}
