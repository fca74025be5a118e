package dev.railyard.schedulers.dynamic;

import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;

/** Provides the {@code dynamic} scheduler (request-level batching as Triton's dynamic batcher). */
public final class DynamicBatchSchedulerProvider implements SchedulerProvider<DynamicConfig> {

    /** The name users select it by. */
    public static final String NAME = "dynamic";

    /** For {@link java.util.ServiceLoader}. */
    public DynamicBatchSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "request-level (static) batching as Triton's dynamic batcher: max/preferred batch sizes, queue delay, priority levels, queue policy";
    }

    @Override
    public Class<DynamicConfig> configType() {
        return DynamicConfig.class;
    }

    @Override
    public Scheduler create(DynamicConfig config, SchedulerContext context) {
        config.validate();
        return new DynamicBatchScheduler(config, context);
    }
}
