package dev.railyard.spi.scheduler;

/** Where a sequence is in its life cycle. */
public enum SequenceState {
    /** Submitted, never scheduled, nothing computed. */
    WAITING,
    /** Preempted: blocks freed, waiting to be recomputed from the start. */
    PREEMPTED,
    /** Scheduled at least once since it was admitted; holds KV blocks. */
    RUNNING
}
