package dev.railyard.spi.scheduler;

import java.util.List;

/**
 * The read-only state a scheduler decides on, valid only during one {@link Scheduler#schedule}
 * call. Lists are immutable snapshots.
 */
public interface SchedulerView {

    /** The engine clock's time at the start of this iteration. */
    long nowNanos();

    /** Sequences not holding KV blocks (new and preempted), in arrival order; never null. */
    List<SequenceView> waiting();

    /** Sequences holding KV blocks, in the order they were admitted; never null. */
    List<SequenceView> running();

    /** KV-cache capacity; never null. */
    KvCacheView kvCache();

    /** The engine's limits; never null. */
    EngineLimits limits();
}
