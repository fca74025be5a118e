package dev.railyard.spi.config;

/**
 * Optional interface for a plugin's configuration class: lets the plugin check the values that
 * the host bound from YAML and flags before the plugin is created.
 */
public interface PluginConfig {

    /**
     * Checks the bound values. Called by the host once, after binding, on the thread that builds
     * the engine.
     *
     * @throws InvalidConfigException naming the key and the problem, e.g. {@code
     *     "max-num-seqs must be at least 1, was 0"}
     */
    default void validate() {
    }
}
