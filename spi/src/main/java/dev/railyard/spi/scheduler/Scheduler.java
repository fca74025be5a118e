package dev.railyard.spi.scheduler;

/**
 * Decides, each engine iteration, what runs. See the package documentation for the life cycle.
 *
 * <p>Threading: every method is called on the engine-loop thread, one at a time, so an
 * implementation needs no synchronisation. Methods must not block and should be fast: they run
 * on the engine's critical path (the whole host budget is under 100 µs per step with 256
 * sequences).
 *
 * <p>The host calls {@link #schedule} whenever it is ready for the next step, and also after
 * any event (arrival, cancel, finish) while idle. Every sequence it reports through the view
 * stays there until it finishes; {@link #onFinished} then tells the scheduler it is gone.
 */
public interface Scheduler {

    /**
     * Plans the next step.
     *
     * @param view the state now; valid during this call only; never null
     * @return the plan; never null (use {@link StepPlan#idle()} for nothing)
     */
    StepPlan schedule(SchedulerView view);

    /**
     * Reports what the last plan's work produced, one outcome per scheduled sequence, after the
     * host has applied the step's results. The default does nothing.
     */
    default void onStepCompleted(java.util.List<StepOutcome> outcomes) {
    }

    /** Sequence {@code sequenceId} left the engine for {@code reason}. The default does nothing. */
    default void onFinished(long sequenceId, FinishReason reason) {
    }
}
