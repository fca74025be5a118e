package dev.railyard.examples.slo;

import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;

/** Provides the {@code slo-aware} scheduler: earliest TTFT/TPOT deadline first, with admission control. */
public final class SloAwareSchedulerProvider implements SchedulerProvider<SloAwareConfig> {

    /** The name users select it by. */
    public static final String NAME = "slo-aware";

    /** For {@link java.util.ServiceLoader}. */
    public SloAwareSchedulerProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "earliest TTFT/TPOT deadline first, rejecting requests whose TTFT deadline can no longer be met (example plugin)";
    }

    @Override
    public Class<SloAwareConfig> configType() {
        return SloAwareConfig.class;
    }

    @Override
    public Scheduler create(SloAwareConfig config, SchedulerContext context) {
        config.validate();
        return new SloAwareScheduler(config);
    }
}
