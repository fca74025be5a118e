package dev.railyard.spi.backend;

/**
 * A backend refuses a malformed {@link StepBatch} (a token id outside the vocabulary, a block id
 * outside the pool, a block table too short, a step larger than declared, ...). The message names
 * the sequence and the problem. The backend's state must be unchanged after throwing it.
 */
public class InvalidStepException extends IllegalArgumentException {

    public InvalidStepException(String message) {
        super(message);
    }
}
