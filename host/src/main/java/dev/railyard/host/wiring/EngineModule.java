package dev.railyard.host.wiring;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.config.RailyardConfig;
import dev.railyard.host.engine.EngineCore;
import dev.railyard.host.engine.EngineSettings;
import dev.railyard.host.engine.TextCodec;
import dev.railyard.host.model.ModelLoader;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.host.tokenizer.Tokenizer;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.scheduler.Scheduler;
import dev.railyard.spi.scheduler.SchedulerContext;
import dev.railyard.spi.scheduler.SchedulerProvider;
import com.google.inject.name.Named;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Guice wiring of one host: configuration, plugins, model, tokenizer, backend, scheduler and
 * engine core. Every binding is a singleton built on first use, in dependency order.
 */
public final class EngineModule extends AbstractModule {

    private final RailyardConfig config;
    private final Clock clock;
    private final Consumer<String> progress;
    /** What the providers opened, latest first, so that a runtime that fails half-way can close it. */
    private final java.util.Deque<AutoCloseable> opened = new java.util.concurrent.ConcurrentLinkedDeque<>();

    public EngineModule(RailyardConfig config, Clock clock, Consumer<String> progress) {
        this.config = config;
        this.clock = clock;
        this.progress = progress;
    }

    @Override
    protected void configure() {
        bind(RailyardConfig.class).toInstance(config);
        bind(Clock.class).toInstance(clock);
    }

    /**
     * Closes what the providers opened so far (drafters, backend, mapped weights: latest first);
     * for a runtime that failed before it was built. Failures while closing are added to
     * {@code cause} as suppressed.
     */
    void closeOpened(Throwable cause) {
        AutoCloseable c;
        while ((c = opened.poll()) != null) {
            try {
                c.close();
            } catch (Exception e) {
                cause.addSuppressed(e);
            }
        }
    }

    @Provides
    @Singleton
    PluginRegistry plugins() {
        return PluginRegistry.discover(RailyardHome.home().resolve(config.pluginsDir));
    }

    @Provides
    @Singleton
    LoadedModel model() {
        Path dir = RailyardHome.resolveModel(config.model, RailyardHome.DEFAULT_MODEL);
        progress.accept("loading model " + dir);
        LoadedModel model = ModelLoader.load(dir, progress);
        opened.push(model.weights());
        return model;
    }

    @Provides
    @Singleton
    @Named("tokenizer")
    java.util.Optional<Tokenizer> tokenizer(LoadedModel model) {
        Path file = model.directory().resolve("tokenizer.json");
        return Files.isRegularFile(file) ? java.util.Optional.of(Tokenizer.load(file)) : java.util.Optional.empty();
    }

    @Provides
    @Singleton
    @SuppressWarnings("unchecked")
    BackendProvider<Object> backendProvider(PluginRegistry plugins) {
        return plugins.provider(PluginKind.BACKEND, config.backend.type, BackendProvider.class);
    }

    @Provides
    @Singleton
    @Named("backendConfig")
    Object backendConfig(BackendProvider<Object> provider) {
        return ConfigBinder.bind(provider.configType(), config.backend.settings, "backend '" + provider.name() + "'");
    }

    @Provides
    @Singleton
    Backend backend(BackendProvider<Object> provider, @Named("backendConfig") Object backendConfig, LoadedModel model) {
        progress.accept("opening backend " + provider.name());
        Backend backend = provider.open(model, backendConfig,
                new BackendContext(clock, config.blockSize, config.numBlocks, config.maxTokensPerStep, progress));
        opened.push(backend);
        return backend;
    }

    @Provides
    @Singleton
    HostDrafters drafters(PluginRegistry plugins, BackendProvider<Object> provider, @Named("backendConfig") Object backendConfig,
                          LoadedModel model) {
        int vocab = model.config().vocabSize();
        HostDrafters drafters = new HostDrafters(plugins, (dir, blockSize, numBlocks, closeLater) -> {
            Path resolved = RailyardHome.resolveModel(dir.toString(), dir.toString());
            LoadedModel draft = ModelLoader.load(resolved, progress);
            closeLater.accept(draft.weights());
            if (draft.config().vocabSize() != vocab) {
                throw new ModelFormatException("draft model " + resolved + " has a vocabulary of " + draft.config().vocabSize()
                        + " tokens but the target has " + vocab + "; a draft model must share the target's tokenizer");
            }
            return provider.open(draft, backendConfig, new BackendContext(clock, blockSize, numBlocks, 0, progress));
        }, clock, vocab);
        opened.push(drafters);
        return drafters;
    }

    @Provides
    @Singleton
    @SuppressWarnings("unchecked")
    Scheduler scheduler(PluginRegistry plugins, Backend backend, HostDrafters drafters) {
        SchedulerProvider<Object> provider = plugins.provider(PluginKind.SCHEDULER, config.scheduler.type, SchedulerProvider.class);
        Object schedulerConfig = ConfigBinder.bind(provider.configType(), config.scheduler.settings,
                "scheduler '" + provider.name() + "'");
        var info = backend.info();
        return provider.create(schedulerConfig, new SchedulerContext(provider.name(), clock, EngineCore.limitsOf(info),
                info.blockSize(), info.numBlocks(), drafters));
    }

    @Provides
    @Singleton
    EngineCore core(Backend backend, Scheduler scheduler, LoadedModel model, @Named("tokenizer") java.util.Optional<Tokenizer> tokenizer) {
        Set<Integer> eos = new HashSet<>(model.config().eosTokenIds());
        TextCodec codec = tokenizer.<TextCodec>map(TokenizerCodec::new).orElse(null);
        return new EngineCore(backend, scheduler, config.scheduler.type, new EngineSettings(config.maxWaitingRequests, 0), clock,
                codec, eos);
    }
}
