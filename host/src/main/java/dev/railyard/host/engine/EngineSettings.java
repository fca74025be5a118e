package dev.railyard.host.engine;

/**
 * Engine-level settings (the {@code engine:} section of {@code railyard.yaml}).
 *
 * @param maxWaitingRequests requests allowed to wait; more are refused with "queue full"
 * @param firstRequestId the id given to the first request
 */
public record EngineSettings(int maxWaitingRequests, long firstRequestId) {

    public static EngineSettings defaults() {
        return new EngineSettings(4096, 0);
    }
}
