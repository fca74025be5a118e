package dev.railyard.host.plugin;

import dev.railyard.spi.PluginProvider;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds scheduler, backend and drafter plugins with {@link ServiceLoader}: on the host's class
 * path, and in a plugins directory where each jar (or each folder of jars) gets its own class
 * loader whose parent exposes only the SPI.
 *
 * <p>Immutable after discovery; thread-safe.
 */
public final class PluginRegistry {

    private final Map<PluginKind, Map<String, PluginDescriptor>> byKind = new EnumMap<>(PluginKind.class);

    private PluginRegistry() {
        for (PluginKind k : PluginKind.values()) {
            byKind.put(k, new LinkedHashMap<>());
        }
    }

    /**
     * Discovers plugins on the class path and in {@code pluginsDir} (ignored when it does not
     * exist).
     *
     * @throws PluginException on duplicate names (both locations named) or a plugin that fails
     *     to load
     */
    public static PluginRegistry discover(Path pluginsDir) {
        PluginRegistry r = new PluginRegistry();
        ClassLoader hostLoader = PluginRegistry.class.getClassLoader();
        r.load(hostLoader, false);
        if (pluginsDir != null && Files.isDirectory(pluginsDir)) {
            SpiOnlyClassLoader spiOnly = new SpiOnlyClassLoader(hostLoader);
            for (List<Path> unit : pluginUnits(pluginsDir)) {
                r.load(new URLClassLoader("plugin:" + unit.getFirst().getFileName(), urls(unit), spiOnly), true);
            }
        }
        return r;
    }

    /** Each jar directly in the directory is one unit; each sub-folder with jars is another. */
    private static List<List<Path>> pluginUnits(Path dir) {
        List<List<Path>> units = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                if (Files.isRegularFile(p) && p.toString().endsWith(".jar")) {
                    units.add(List.of(p));
                } else if (Files.isDirectory(p)) {
                    try (Stream<Path> jars = Files.list(p)) {
                        List<Path> js = jars.filter(j -> j.toString().endsWith(".jar")).sorted().toList();
                        if (!js.isEmpty()) {
                            units.add(js);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new PluginException("cannot read plugins directory " + dir + ": " + e.getMessage(), e);
        }
        return units;
    }

    private static URL[] urls(List<Path> jars) {
        URL[] out = new URL[jars.size()];
        for (int i = 0; i < out.length; i++) {
            try {
                out[i] = jars.get(i).toUri().toURL();
            } catch (MalformedURLException e) {
                throw new PluginException("bad plugin path " + jars.get(i), e);
            }
        }
        return out;
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private void load(ClassLoader loader, boolean isolated) {
        for (PluginKind kind : PluginKind.values()) {
            ServiceLoader<? extends PluginProvider> sl = ServiceLoader.load((Class) kind.service(), loader);
            try {
                for (PluginProvider p : sl) {
                    if (isolated && p.getClass().getClassLoader() != loader) {
                        continue; // visible through a parent; already registered from the class path
                    }
                    register(new PluginDescriptor(kind, p, locationOf(p.getClass()), isolated));
                }
            } catch (ServiceConfigurationError e) {
                throw new PluginException("a " + kind.label() + " plugin failed to load: " + e.getMessage(), e);
            }
        }
    }

    private void register(PluginDescriptor d) {
        Map<String, PluginDescriptor> m = byKind.get(d.kind());
        PluginDescriptor earlier = m.get(d.name());
        if (earlier != null) {
            throw new PluginException("two " + d.kind().label() + " plugins are named '" + d.name() + "': "
                    + earlier.describe() + " and " + d.describe() + "; remove one of them");
        }
        m.put(d.name(), d);
    }

    static String locationOf(Class<?> c) {
        CodeSource cs = c.getProtectionDomain().getCodeSource();
        if (cs == null || cs.getLocation() == null) {
            return "(unknown)";
        }
        String path = cs.getLocation().getPath();
        int slash = path.endsWith("/") ? path.lastIndexOf('/', path.length() - 2) : path.lastIndexOf('/');
        String shortName = path.substring(slash + 1);
        return shortName.isEmpty() ? path : shortName;
    }

    /** All plugins of a kind, sorted by name. */
    public List<PluginDescriptor> all(PluginKind kind) {
        return byKind.get(kind).values().stream().sorted(Comparator.comparing(PluginDescriptor::name)).toList();
    }

    /**
     * The plugin of {@code kind} named {@code name}.
     *
     * @throws PluginException when none is found (the message lists those that were)
     */
    public PluginDescriptor require(PluginKind kind, String name) {
        PluginDescriptor d = byKind.get(kind).get(name);
        if (d != null) {
            return d;
        }
        List<PluginDescriptor> found = all(kind);
        if (found.isEmpty()) {
            throw new PluginException("no " + kind.label() + " plugins were found on the class path or in the plugins directory");
        }
        throw new PluginException("unknown " + kind.label() + " '" + name + "'; found: "
                + found.stream().map(PluginDescriptor::describe).collect(Collectors.joining(", ")));
    }

    /** The provider of {@code kind} named {@code name}, cast to its service type. */
    public <P extends PluginProvider<?>> P provider(PluginKind kind, String name, Class<P> type) {
        return type.cast(require(kind, name).provider());
    }
}
