package dev.railyard.host.engine;

/**
 * Watches the engine (metrics exporters, progress displays). Called on the engine thread: keep
 * it fast, never block.
 */
public interface EngineObserver {

    /** A request entered the engine. */
    default void onSubmitted(long requestId) {
    }

    /** A step finished. */
    default void onStep(StepRecord step) {
    }

    /** A request ended, for any reason. */
    default void onFinished(GenerationResult result) {
    }
}
