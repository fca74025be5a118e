package dev.railyard.host.wiring;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.ProvisionException;
import com.google.inject.TypeLiteral;
import com.google.inject.name.Names;
import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.engine.Engine;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.host.tokenizer.Tokenizer;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.model.LoadedModel;
import java.util.Optional;
import java.util.function.Consumer;

/** Builds a {@link RailyardRuntime} from a configuration through Guice. */
public final class RuntimeFactory {

    private RuntimeFactory() {
    }

    /**
     * Loads the model, opens the backend, creates the scheduler and starts the engine.
     *
     * @param progress receives one line per stage (model loading, backend opening)
     * @throws RuntimeException the first failure's own exception (config, plugin, model, backend),
     *     unwrapped from Guice so that its message reaches the user as it is
     */
    public static RailyardRuntime open(RailyardConfig config, Clock clock, Consumer<String> progress) {
        EngineModule module = new EngineModule(config, clock, progress);
        Injector injector = Guice.createInjector(module);
        try {
            EngineCore core = injector.getInstance(EngineCore.class);
            Optional<Tokenizer> tokenizer = injector.getInstance(Key.get(new TypeLiteral<Optional<Tokenizer>>() { },
                    Names.named("tokenizer")));
            return new RailyardRuntime(injector.getInstance(PluginRegistry.class), injector.getInstance(LoadedModel.class),
                    tokenizer.orElse(null), injector.getInstance(Backend.class), new Engine(core).start(),
                    injector.getInstance(HostDrafters.class));
        } catch (RuntimeException e) {
            // e.g. the backend is open but the scheduler's config is invalid: close the backend, unmap the model
            RuntimeException failure = e instanceof ProvisionException pe ? unwrap(pe) : e;
            module.closeOpened(failure);
            throw failure;
        }
    }

    static RuntimeException unwrap(ProvisionException e) {
        Throwable t = e;
        while (t instanceof ProvisionException && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        return new IllegalStateException(t.getMessage(), t);
    }
}
