package dev.railyard.conformance.matrix;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.scheduler.SchedulerDeclaration;
import dev.railyard.conformance.scheduler.SchedulerProfile;
import dev.railyard.host.plugin.PluginDescriptor;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Finds what the matrix runs: schedulers and backends discovered by the host's {@link
 * PluginRegistry} (class path and plugins directory), each scheduler in every variant it declares
 * ({@link SchedulerDeclaration}; the default configuration claiming nothing when none), the
 * simulated backend as itself and every other backend on the synthesized tiny model.
 */
public final class PluginDiscovery {

    private PluginDiscovery() {
    }

    /**
     * @param pluginsDir extra plugin jars (may be null)
     * @param schedulerNames names to keep (provider or profile names); empty keeps all
     * @throws IllegalArgumentException naming an unknown name and listing the known ones
     */
    public static List<SchedulerProfile> schedulers(Path pluginsDir, Collection<String> schedulerNames) {
        PluginRegistry registry = PluginRegistry.discover(pluginsDir);
        List<SchedulerDeclaration> declarations = new ArrayList<>();
        ServiceLoader.load(SchedulerDeclaration.class).forEach(declarations::add);
        List<SchedulerProfile> all = new ArrayList<>();
        for (PluginDescriptor d : registry.all(PluginKind.SCHEDULER)) {
            SchedulerProvider<?> p = (SchedulerProvider<?>) d.provider();
            SchedulerProfile base = SchedulerProfile.of(p);
            List<SchedulerDeclaration> mine = declarations.stream().filter(x -> x.scheduler().equals(p.name())).toList();
            if (mine.isEmpty()) {
                all.add(base);
            } else {
                mine.forEach(x -> all.add(base.declaring(x)));
            }
        }
        return filter(all, schedulerNames, SchedulerProfile::name, x -> x.provider().name(), "scheduler");
    }

    /** Backends found, filtered by name (empty keeps all). */
    public static List<BackendProfile> backends(Path pluginsDir, Collection<String> backendNames) {
        PluginRegistry registry = PluginRegistry.discover(pluginsDir);
        List<BackendProfile> all = new ArrayList<>();
        for (PluginDescriptor d : registry.all(PluginKind.BACKEND)) {
            BackendProvider<?> p = (BackendProvider<?>) d.provider();
            all.add(p.name().equals("simulated") ? BackendProfile.simulated() : BackendProfile.onTinyModel(p, Map.of()));
        }
        return filter(all, backendNames, BackendProfile::name, BackendProfile::name, "backend");
    }

    private static <T> List<T> filter(List<T> all, Collection<String> names, java.util.function.Function<T, String> name,
                                      java.util.function.Function<T, String> family, String kind) {
        if (names == null || names.isEmpty()) {
            return all;
        }
        Set<String> known = new TreeSet<>();
        all.forEach(x -> {
            known.add(name.apply(x));
            known.add(family.apply(x));
        });
        for (String n : names) {
            if (!known.contains(n)) {
                throw new IllegalArgumentException("no " + kind + " '" + n + "'; found: " + String.join(", ", known));
            }
        }
        return all.stream().filter(x -> names.contains(name.apply(x)) || names.contains(family.apply(x))).toList();
    }
}
