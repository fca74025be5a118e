package dev.railyard.spi.scheduler;

import dev.railyard.spi.Clock;

/**
 * What the host gives a scheduler when it creates it.
 *
 * @param name the name the scheduler was selected by (used in error messages)
 * @param clock the engine's clock; schedulers read time only through it
 * @param limits the engine's limits
 * @param blockSize tokens per KV block
 * @param totalBlocks blocks in the KV pool
 */
public record SchedulerContext(String name, Clock clock, EngineLimits limits, int blockSize, int totalBlocks) {
}
