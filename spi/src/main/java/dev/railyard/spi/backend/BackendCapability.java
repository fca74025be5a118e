package dev.railyard.spi.backend;

/** Capabilities a backend declares in {@link BackendInfo#capabilities()}. */
public enum BackendCapability {
    /**
     * A sequence's logits are bit-for-bit the same whatever else is in the step and however its
     * prompt was chunked. The conformance kit then demands exact agreement.
     */
    BATCH_INVARIANT,
    /** A prompt may be computed over several steps (chunked prefill). */
    CHUNKED_PREFILL,
    /**
     * Logits may be asked for at several positions of one sequence in one step (needed to verify
     * speculative draft tokens).
     */
    MULTI_POSITION_LOGITS
}
