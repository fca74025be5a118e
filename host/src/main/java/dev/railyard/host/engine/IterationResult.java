package dev.railyard.host.engine;

/**
 * What one {@link EngineCore#iterate()} did.
 *
 * @param steppedBackend a backend step ran
 * @param wakeAtNanos when no step ran: when the scheduler wants to be asked again
 *     ({@link Long#MAX_VALUE}: on the next event only)
 * @param idle no request is waiting or running
 */
public record IterationResult(boolean steppedBackend, long wakeAtNanos, boolean idle) {
}
