package dev.railyard.spi;

/**
 * What every plugin provider has in common: a unique name, a version, a one-line description
 * and a typed configuration class.
 *
 * <p>Providers are found with {@link java.util.ServiceLoader}, so an implementation must be
 * public with a public no-argument constructor, and must be cheap to construct: the host
 * instantiates every provider on the class path to list them, even those it will not use.
 * Heavy work (loading native libraries, touching a GPU) belongs in the factory method of the
 * concrete provider type, never in the constructor.
 *
 * @param <C> the configuration type; see {@link #configType()}
 */
public interface PluginProvider<C> {

    /**
     * The name users select this plugin by ({@code --scheduler continuous}, {@code type:
     * continuous} in YAML). Lower-case letters, digits and dashes; never null; unique among
     * providers of the same kind.
     */
    String name();

    /** The plugin's version; by default the {@code Implementation-Version} of its jar, else "dev". */
    default String version() {
        String v = getClass().getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /** One line that tells a user what this plugin does; never null. */
    String description();

    /**
     * The configuration class. The host binds the plugin's YAML section (and CLI overrides) onto
     * a fresh instance of it with Jackson, keys in kebab-case mapped onto fields in camelCase.
     *
     * <p>Contract for the class: public, with a public no-argument constructor that sets every
     * default; public non-final fields (or bean setters) for each key; keys that the class does
     * not declare are rejected by the host with a message listing the valid ones. If the class
     * implements {@link dev.railyard.spi.config.PluginConfig}, the host calls its
     * {@code validate()} after binding.
     */
    Class<C> configType();
}
