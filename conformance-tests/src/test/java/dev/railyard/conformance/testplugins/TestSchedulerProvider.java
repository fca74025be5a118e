package dev.railyard.conformance.testplugins;

import dev.railyard.spi.config.NoConfig;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.util.function.Supplier;

/** A provider for a test scheduler (not registered with ServiceLoader: tests name it explicitly). */
public final class TestSchedulerProvider implements SchedulerProvider<NoConfig> {

    private final String name;
    private final Supplier<Scheduler> factory;

    public TestSchedulerProvider(String name, Supplier<Scheduler> factory) {
        this.name = name;
        this.factory = factory;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "kit test scheduler " + name;
    }

    @Override
    public Class<NoConfig> configType() {
        return NoConfig.class;
    }

    @Override
    public Scheduler create(NoConfig config, SchedulerContext context) {
        return factory.get();
    }
}
