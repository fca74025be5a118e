package dev.railyard.spi.scheduler;

/** Why a sequence left the engine. */
public enum FinishReason {
    /** Reached its max tokens (or the context length). */
    LENGTH,
    /** Produced an EOS token or matched a stop string. */
    STOP,
    /** Cancelled by its client. */
    CANCELLED,
    /** Its deadline passed before it finished. */
    TIMEOUT,
    /** Refused by the scheduler's admission policy. */
    REJECTED,
    /** Failed (bad request, backend error). */
    ERROR
}
