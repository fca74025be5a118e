package dev.railyard.spi.scheduler;

import dev.railyard.spi.Clock;
import java.util.Objects;

/**
 * What the host gives a scheduler when it creates it.
 *
 * @param name the name the scheduler was selected by (used in error messages); never null
 * @param clock the engine's clock; schedulers read time only through it; never null
 * @param limits the engine's limits; never null
 * @param blockSize tokens per KV block
 * @param totalBlocks blocks in the KV pool
 * @param drafters opens drafters for speculative decoding; never null
 */
public record SchedulerContext(String name, Clock clock, EngineLimits limits, int blockSize, int totalBlocks, Drafters drafters) {

    public SchedulerContext {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(drafters, "drafters");
    }
}
