package dev.railyard.host.plugin;

import dev.railyard.spi.PluginProvider;

/**
 * A discovered plugin: its kind, the provider instance and where it came from.
 *
 * @param kind scheduler, backend or drafter
 * @param provider the provider instance
 * @param location the jar or folder the provider class was loaded from
 * @param isolated {@code true} when loaded from the plugins directory in its own class loader
 */
public record PluginDescriptor(PluginKind kind, PluginProvider<?> provider, String location, boolean isolated) {

    public String name() {
        return provider.name();
    }

    public String version() {
        return provider.version();
    }

    /** "name (version, location)", for error messages and listings. */
    public String describe() {
        return name() + " " + version() + " from " + location;
    }
}
