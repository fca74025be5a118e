package dev.railyard.spi.backend;

/**
 * One sequence's part of a {@link StepBatch}: the tokens {@code [offset, offset + length)} of
 * the flat batch, at positions {@code contextLength .. contextLength + length - 1}.
 *
 * <p>Before this step the KV cache holds the sequence's first {@code contextLength} positions;
 * the backend writes K/V of the new tokens at their positions and attends each new token to all
 * positions up to and including its own (causal). Position {@code p} lives in block {@code
 * blockTable[p / blockSize]} at slot {@code p % blockSize}; the table covers at least {@code
 * contextLength + length} positions. The arrays are owned by the host and must not be modified.
 *
 * @param sequenceId the host's id of the sequence
 * @param offset index of the slice's first token in the flat batch
 * @param length number of new tokens, at least 1
 * @param contextLength tokens already in the KV cache for this sequence
 * @param blockTable KV block ids in position order; never null
 */
public record SequenceSlice(long sequenceId, int offset, int length, int contextLength, int[] blockTable) {
}
