package dev.railyard.host.wiring;

import dev.railyard.host.engine.Engine;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.host.tokenizer.Tokenizer;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.model.LoadedModel;
import java.util.Optional;

/**
 * Everything one configured host holds: the model, its tokenizer, the backend, the scheduler's
 * engine, and the plugins found. Close it to stop the engine and free the backend and the
 * mapped weights, in that order.
 */
public final class RailyardRuntime implements AutoCloseable {

    private final PluginRegistry plugins;
    private final LoadedModel model;
    private final Tokenizer tokenizer;
    private final Backend backend;
    private final Engine engine;
    private final AutoCloseable drafters;

    RailyardRuntime(PluginRegistry plugins, LoadedModel model, Tokenizer tokenizer, Backend backend, Engine engine,
                    AutoCloseable drafters) {
        this.plugins = plugins;
        this.model = model;
        this.tokenizer = tokenizer;
        this.backend = backend;
        this.engine = engine;
        this.drafters = drafters;
    }

    public PluginRegistry plugins() {
        return plugins;
    }

    public LoadedModel model() {
        return model;
    }

    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }

    public Backend backend() {
        return backend;
    }

    /** The engine (its loop is started). */
    public Engine engine() {
        return engine;
    }

    public EngineCore core() {
        return engine.core();
    }

    @Override
    public void close() {
        engine.close();
        try {
            drafters.close();
        } catch (Exception ignored) {
            // best effort
        }
        backend.close();
        model.weights().close();
    }
}
