package dev.railyard.spi.config;

/** The configuration type of a plugin that has no settings. */
public final class NoConfig implements PluginConfig {
}
