package dev.railyard.host.plugin;

import dev.railyard.spi.PluginProvider;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.scheduler.DrafterProvider;
import dev.railyard.spi.scheduler.SchedulerProvider;

/** The kinds of plugin the host discovers, each with its service interface. */
public enum PluginKind {
    SCHEDULER("scheduler", SchedulerProvider.class),
    BACKEND("backend", BackendProvider.class),
    DRAFTER("drafter", DrafterProvider.class);

    private final String label;
    private final Class<? extends PluginProvider> service;

    PluginKind(String label, Class<? extends PluginProvider> service) {
        this.label = label;
        this.service = service;
    }

    /** "scheduler", "backend" or "drafter". */
    public String label() {
        return label;
    }

    @SuppressWarnings("rawtypes")
    public Class<? extends PluginProvider> service() {
        return service;
    }
}
