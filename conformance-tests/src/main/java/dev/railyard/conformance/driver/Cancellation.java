package dev.railyard.conformance.driver;

/**
 * Cancel request {@code requestIndex} of the workload once {@code afterSteps} engine steps have run
 * (between iterations).
 */
public record Cancellation(int requestIndex, long afterSteps) {
}
