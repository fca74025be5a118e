package dev.railyard.backend.cpu;

import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.model.LoadedModel;

/** Opens the backend the way the host does. */
final class TestBackends {

    private TestBackends() {
    }

    static Backend open(LoadedModel model, int threads, int blockSize, int numBlocks) {
        CpuBackendConfig cfg = new CpuBackendConfig();
        cfg.threads = threads;
        return new CpuReferenceBackendProvider().open(model, cfg,
                new BackendContext(Clock.system(), blockSize, numBlocks, 0, s -> { }));
    }

    static Backend open(LoadedModel model) {
        return open(model, 2, 16, 256);
    }
}
