package dev.railyard.conformance.backend;

import dev.railyard.conformance.sim.SimulatedBackendProvider;
import dev.railyard.spi.backend.BackendProvider;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;

/**
 * A backend as the kit tests it: its provider, its configuration (kebab-case keys, bound the way
 * the host binds them), the model to open it with, the block size, and the reference its logits
 * are compared with.
 *
 * @param name the name shown in reports (usually the provider's)
 * @param provider the provider
 * @param config configuration keys
 * @param model the model it is opened with
 * @param blockSize tokens per KV block
 * @param reference the backend its logits must agree with (rule B1), or null when it is its own
 *     reference (the CPU reference itself; the simulated backend, whose pseudo-logits define it)
 */
public record BackendProfile(String name, BackendProvider<?> provider, Map<String, Object> config, ModelSource model,
                             int blockSize, BackendProfile reference) {

    /** The name of the CPU reference backend. */
    public static final String CPU_REFERENCE = "cpu-reference";

    public BackendProfile {
        Objects.requireNonNull(name);
        Objects.requireNonNull(provider);
        config = Map.copyOf(config);
        Objects.requireNonNull(model);
    }

    /** The kit's simulated backend with its default configuration, on a weightless model of vocabulary 256. */
    public static BackendProfile simulated() {
        return simulated(Map.of());
    }

    /** The simulated backend with these configuration keys. */
    public static BackendProfile simulated(Map<String, Object> config) {
        Object vocab = config.getOrDefault("vocab-size", 256);
        Object context = config.getOrDefault("max-context", 4096);
        return new BackendProfile(SimulatedBackendProvider.NAME, new SimulatedBackendProvider(), config,
                ModelSource.synthetic(((Number) vocab).intValue() == 0 ? 256 : ((Number) vocab).intValue(),
                        ((Number) context).intValue()), 16, null);
    }

    /**
     * A real backend on the synthesized tiny model, compared against the CPU reference on the same
     * model (itself when it is the CPU reference).
     */
    public static BackendProfile onTinyModel(BackendProvider<?> provider, Map<String, Object> config) {
        BackendProfile ref = provider.name().equals(CPU_REFERENCE) ? null
                : findProvider(CPU_REFERENCE).map(p -> new BackendProfile(CPU_REFERENCE, p, Map.of(), ModelSource.tinySynthesized(),
                        16, null)).orElse(null);
        return new BackendProfile(provider.name(), provider, config, ModelSource.tinySynthesized(), 16, ref);
    }

    /** A provider on the class path by name. */
    public static java.util.Optional<BackendProvider<?>> findProvider(String name) {
        for (BackendProvider<?> p : ServiceLoader.load(BackendProvider.class)) {
            if (p.name().equals(name)) {
                return java.util.Optional.of(p);
            }
        }
        return java.util.Optional.empty();
    }

    /** {@code true} for the kit's simulated backend (contracts are measured on it, in virtual time). */
    public boolean isSimulated() {
        return provider instanceof SimulatedBackendProvider;
    }

    /** This profile with another block size. */
    public BackendProfile withBlockSize(int size) {
        return new BackendProfile(name, provider, config, model, size, reference);
    }

    /** This profile with another name (for reports). */
    public BackendProfile named(String newName) {
        return new BackendProfile(newName, provider, config, model, blockSize, reference);
    }
}
