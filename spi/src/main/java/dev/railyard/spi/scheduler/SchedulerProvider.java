package dev.railyard.spi.scheduler;

import dev.railyard.spi.PluginProvider;

/**
 * Factory of a scheduler, found with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/dev.railyard.spi.scheduler.SchedulerProvider}.
 *
 * @param <C> the configuration type
 */
public interface SchedulerProvider<C> extends PluginProvider<C> {

    /**
     * Creates a scheduler for one engine. Called once per engine on the thread that builds it.
     *
     * @param config the bound and validated configuration; never null
     * @param context the clock, the engine's limits and the KV geometry; never null
     */
    Scheduler create(C config, SchedulerContext context);
}
