package dev.railyard.schedulers.continuous;

import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;

/** Provides the {@code continuous} scheduler (iteration-level batching as in vLLM). */
public final class ContinuousSchedulerProvider implements SchedulerProvider<ContinuousConfig> {

    /** The name users select it by. */
    public static final String NAME = "continuous";

    /** For {@link java.util.ServiceLoader}. */
    public ContinuousSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "iteration-level (continuous) batching as in vLLM: chunked prefill, FCFS or priority admission, preemption by recompute";
    }

    @Override
    public Class<ContinuousConfig> configType() {
        return ContinuousConfig.class;
    }

    @Override
    public Scheduler create(ContinuousConfig config, SchedulerContext context) {
        config.validate();
        return new ContinuousScheduler(config, context);
    }
}
