package dev.railyard.conformance.scheduler;

import dev.railyard.conformance.backend.BackendSetup;
import dev.railyard.host.config.ConfigBinder;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.scheduler.Drafter;
import dev.railyard.spi.scheduler.DrafterContext;
import dev.railyard.spi.scheduler.DrafterProvider;
import dev.railyard.spi.scheduler.Drafters;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The kit's side of the drafter SPI, as the host's wiring provides it: finds drafters on the class
 * path by name, binds their configuration, and opens draft models on the backend under test (on
 * the simulated backend, a cheaper copy of the same pseudo-model). Closes what it opened.
 */
final class KitDrafters implements Drafters, DrafterContext, AutoCloseable {

    private final BackendSetup setup;
    private final Clock clock;
    private final int vocabSize;
    private final List<AutoCloseable> opened = new ArrayList<>();

    KitDrafters(BackendSetup setup, Clock clock, int vocabSize) {
        this.setup = setup;
        this.clock = clock;
        this.vocabSize = vocabSize;
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Drafter open(String name, Map<String, Object> config) {
        for (DrafterProvider p : ServiceLoader.load(DrafterProvider.class)) {
            if (p.name().equals(name)) {
                Object bound = ConfigBinder.bind(p.configType(), config, "drafter '" + name + "'");
                Drafter d = p.create(bound, this);
                opened.add(d);
                return d;
            }
        }
        throw new IllegalArgumentException("unknown drafter '" + name + "'; found: " + String.join(", ", names()));
    }

    @Override
    public List<String> names() {
        List<String> n = new ArrayList<>();
        for (DrafterProvider<?> p : ServiceLoader.load(DrafterProvider.class)) {
            n.add(p.name());
        }
        return n;
    }

    @Override
    public Clock clock() {
        return clock;
    }

    @Override
    public Backend openModel(Path modelDirectory, int blockSize, int numBlocks) {
        Backend b = setup.openDraftModel(modelDirectory, clock, blockSize, numBlocks);
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
                // best effort
            }
        }
        opened.clear();
    }
}
