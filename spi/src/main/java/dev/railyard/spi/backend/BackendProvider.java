package dev.railyard.spi.backend;

import dev.railyard.spi.PluginProvider;
import dev.railyard.spi.model.LoadedModel;

/**
 * Factory of a backend, found with {@link java.util.ServiceLoader} under {@code
 * META-INF/services/dev.railyard.spi.backend.BackendProvider}.
 *
 * <p>Listing providers must work on every machine: a GPU backend's provider must load without
 * its native libraries; only {@link #open} may touch them, and it fails with a {@link
 * BackendUnavailableException} whose message says what is missing.
 *
 * @param <C> the configuration type
 */
public interface BackendProvider<C> extends PluginProvider<C> {

    /**
     * Opens a backend for {@code model}. Called by the host once per engine, on the thread that
     * builds the engine; may take long (loading or converting weights) and should report progress
     * through {@link BackendContext#progress()}.
     *
     * @param model the model; never null; its weights stay valid until the backend is closed
     * @param config the bound and validated configuration; never null
     * @param context KV-cache geometry requested by the host, the clock, a progress sink; never null
     * @throws BackendUnavailableException when the device or its libraries are not there
     * @throws dev.railyard.spi.model.ModelFormatException when the model is not supported
     */
    Backend open(LoadedModel model, C config, BackendContext context);
}
