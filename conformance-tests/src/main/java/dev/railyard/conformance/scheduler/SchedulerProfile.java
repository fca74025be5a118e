package dev.railyard.conformance.scheduler;

import dev.railyard.host.config.ConfigBinder;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A scheduler as the kit tests it: its provider, its configuration (kebab-case keys, bound the
 * way the host binds them), and what it declares beyond the SPI: capabilities and contracts.
 *
 * @param name the name shown in reports (the provider's, or a variant such as {@code continuous[priority]})
 * @param provider the provider
 * @param config configuration keys
 * @param capabilities claimed capabilities
 * @param contracts latency/throughput contracts
 */
public record SchedulerProfile(String name, SchedulerProvider<?> provider, Map<String, Object> config,
                               Set<SchedulerCapability> capabilities, List<SchedulerContract> contracts) {

    public SchedulerProfile {
        Objects.requireNonNull(name);
        Objects.requireNonNull(provider);
        config = Map.copyOf(config);
        capabilities = capabilities.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(capabilities));
        contracts = List.copyOf(contracts);
    }

    /** The provider with its default configuration, claiming nothing. */
    public static SchedulerProfile of(SchedulerProvider<?> provider) {
        return new SchedulerProfile(provider.name(), provider, Map.of(), Set.of(), List.of());
    }

    /** This profile with the declarations of {@code d}. */
    public SchedulerProfile declaring(SchedulerDeclaration d) {
        String n = d.variant().isEmpty() ? provider.name() : provider.name() + "[" + d.variant() + "]";
        return new SchedulerProfile(n, provider, d.config(), d.capabilities(), d.contracts());
    }

    public boolean has(SchedulerCapability c) {
        return capabilities.contains(c);
    }

    /** Binds the configuration and creates the scheduler. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Scheduler create(SchedulerContext context) {
        SchedulerProvider p = provider;
        Object bound = ConfigBinder.bind(p.configType(), config, "scheduler '" + name + "'");
        return p.create(bound, context);
    }
}
