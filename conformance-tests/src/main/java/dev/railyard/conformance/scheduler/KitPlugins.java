package dev.railyard.conformance.scheduler;

import dev.railyard.host.plugin.PluginRegistry;

/**
 * The plugins on the kit's class path, discovered once: drafters for speculative schedulers are
 * opened from here (the same way the host finds them).
 */
final class KitPlugins {

    private KitPlugins() {
    }

    private static final class Holder {
        static final PluginRegistry REGISTRY = PluginRegistry.discover(null);
    }

    static PluginRegistry registry() {
        return Holder.REGISTRY;
    }
}
