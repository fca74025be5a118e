package dev.railyard.host.wiring;

import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.model.ModelLoader;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.DrafterContext;
import dev.railyard.spi.scheduler.DrafterProvider;
import dev.railyard.spi.scheduler.Drafters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The host's side of the drafter SPI: finds drafters by name and opens draft models on the same
 * kind of backend as the target. Keeps what it opened and closes it with the runtime.
 */
final class HostDrafters implements Drafters, DrafterContext, AutoCloseable {

    private final PluginRegistry registry;
    private final BackendProvider<Object> backendProvider;
    private final Object backendConfig;
    private final Clock clock;
    private final int vocabSize;
    private final Consumer<String> progress;
    private final List<AutoCloseable> opened = new ArrayList<>();

    HostDrafters(PluginRegistry registry, BackendProvider<Object> backendProvider, Object backendConfig, Clock clock, int vocabSize,
                 Consumer<String> progress) {
        this.registry = registry;
        this.backendProvider = backendProvider;
        this.backendConfig = backendConfig;
        this.clock = clock;
        this.vocabSize = vocabSize;
        this.progress = progress;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Drafter open(String name, Map<String, Object> config) {
        DrafterProvider<Object> p;
        try {
            p = registry.provider(PluginKind.DRAFTER, name, DrafterProvider.class);
        } catch (RuntimeException e) {
            // an IllegalArgumentException as the SPI says, and a user error: one line, no stack trace
            throw new InvalidConfigException(e.getMessage());
        }
        Object bound = ConfigBinder.bind(p.configType(), config, "drafter '" + name + "'");
        Drafter d = p.create(bound, this);
        opened.add(d);
        return d;
    }

    @Override
    public List<String> names() {
        return registry.all(PluginKind.DRAFTER).stream().map(x -> x.name()).toList();
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Backend openModel(Path modelDirectory, int blockSize, int numBlocks) {
        Path dir = RailyardHome.resolveModel(modelDirectory.toString(), modelDirectory.toString());
        LoadedModel model = ModelLoader.load(dir, progress);
        opened.add(model.weights());
        if (model.config().vocabSize() != vocabSize) {
            throw new ModelFormatException("draft model " + dir + " has a vocabulary of " + model.config().vocabSize()
                    + " tokens but the target has " + vocabSize + "; a draft model must share the target's tokenizer");
        }
        Backend b = backendProvider.open(model, backendConfig, new BackendContext(clock, blockSize, numBlocks, 0, progress));
        opened.add(0, b);
        return b;
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public void close() {
        for (AutoCloseable c : opened) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing best-effort
            }
        }
        opened.clear();
    }
}
