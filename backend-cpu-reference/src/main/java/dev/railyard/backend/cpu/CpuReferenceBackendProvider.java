package dev.railyard.backend.cpu;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.model.LoadedModel;
import java.util.Objects;

/**
 * The {@code cpu-reference} backend: Llama-family decoder-only transformers in pure Java
 * (float32 compute on the Vector API over weights stored as float32, float16 or bfloat16),
 * with a paged KV cache; batch-invariant, so it serves as the reference other backends are
 * compared with.
 */
public final class CpuReferenceBackendProvider implements BackendProvider<CpuBackendConfig> {

    /** The name users select the backend by. */
    public static final String NAME = "cpu-reference";

    public CpuReferenceBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Llama-family transformer in pure Java (Vector API, float32 compute, paged KV cache, batch-invariant)";
    }

    @Override
    public Class<CpuBackendConfig> configType() {
        return CpuBackendConfig.class;
    }

    @Override
    public Backend open(LoadedModel model, CpuBackendConfig config, BackendContext context) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(context, "context");
        config.validate();
        return CpuReferenceBackend.open(model, config, context);
    }
}
