package dev.railyard.spi.scheduler;

import dev.railyard.spi.PluginProvider;

/**
 * Factory of a drafter.
 *
 * @param <C> the configuration type
 */
public interface DrafterProvider<C> extends PluginProvider<C> {

    /**
     * Creates a drafter for one engine; called on the thread that builds the engine.
     *
     * @param config bound and validated configuration; never null
     * @param context what the host offers drafters (clock, model opening); never null
     */
    Drafter create(C config, DrafterContext context);
}
