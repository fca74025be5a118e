package dev.railyard.host.wiring;

import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.plugin.PluginKind;
import dev.railyard.host.plugin.PluginRegistry;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.config.InvalidConfigException;
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
 * The host's side of the drafter SPI: finds drafters by name among the discovered plugins, binds
 * their configuration, and opens draft models through a {@link DraftModelOpener} (the host opens
 * them on the same kind of backend as the target; the conformance kit on the backend under
 * test). Keeps what it opened and closes it, newest backend first.
 */
public final class HostDrafters implements Drafters, DrafterContext, AutoCloseable {

    /** Opens a draft model's backend; resources other than the backend go to {@code closeLater}. */
    @FunctionalInterface
    public interface DraftModelOpener {
        Backend open(Path modelDirectory, int blockSize, int numBlocks, Consumer<AutoCloseable> closeLater);
    }

    private final PluginRegistry registry;
    private final DraftModelOpener opener;
    private final Clock clock;
    private final int vocabSize;
    private final List<AutoCloseable> opened = new ArrayList<>();

    public HostDrafters(PluginRegistry registry, DraftModelOpener opener, Clock clock, int vocabSize) {
        this.registry = registry;
        this.opener = opener;
        this.clock = clock;
        this.vocabSize = vocabSize;
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
        Backend b = opener.open(modelDirectory, blockSize, numBlocks, opened::add);
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
