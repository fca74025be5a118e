package dev.railyard.conformance.backend;

import dev.railyard.conformance.sim.CostModel;
import dev.railyard.conformance.sim.SimulatedConfig;
import dev.railyard.host.config.ConfigBinder;
import dev.railyard.host.model.ModelLoader;
import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.model.LoadedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A {@link BackendProfile} made ready to open backends: its configuration bound, its model loaded
 * once. Opens a fresh backend (own KV pool) per run; closes the model at the end.
 */
public final class BackendSetup implements AutoCloseable {

    private final BackendProfile profile;
    private final Object config;
    private LoadedModel model;
    private BackendInfo info;
    private final List<AutoCloseable> extra = new ArrayList<>();

    /**
     * @throws dev.railyard.host.config.ConfigException when the configuration does not bind
     */
    public BackendSetup(BackendProfile profile) {
        this.profile = profile;
        this.config = ConfigBinder.bind(profile.provider().configType(), profile.config(), "backend '" + profile.name() + "'");
    }

    public BackendProfile profile() {
        return profile;
    }

    public String name() {
        return profile.name();
    }

    /** {@code true} for the simulated backend: timings are exact and contracts are measured. */
    public boolean isSimulated() {
        return profile.isSimulated();
    }

    public int blockSize() {
        return profile.blockSize();
    }

    /** The model, loaded on first use. */
    public synchronized LoadedModel model() {
        if (model == null) {
            model = profile.model().load();
        }
        return model;
    }

    /** EOS token ids of the model. */
    public Set<Integer> eosTokenIds() {
        return new HashSet<>(model().config().eosTokenIds());
    }

    /**
     * Opens a backend with a fresh pool.
     *
     * @param numBlocks 0 lets the backend size the pool
     * @throws dev.railyard.spi.backend.BackendUnavailableException when it cannot run here
     */
    public Backend open(Clock clock, int numBlocks) {
        return open(clock, profile.blockSize(), numBlocks);
    }

    /** Opens a backend with another block size. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public Backend open(Clock clock, int blockSize, int numBlocks) {
        BackendProvider p = profile.provider();
        return p.open(model(), config, new BackendContext(clock, blockSize, numBlocks, 0, s -> { }));
    }

    /** What a default backend declares (opened once and closed). */
    public synchronized BackendInfo info() {
        if (info == null) {
            try (Backend b = open(Clock.system(), 0)) {
                info = b.info();
            }
        }
        return info;
    }

    /**
     * The step-time model for a backend that does not spend time on the clock itself: the
     * simulated backend's own, else {@link CostModel#DEFAULT}.
     */
    public CostModel costModel() {
        return config instanceof SimulatedConfig sc ? sc.costModel() : CostModel.DEFAULT;
    }

    /**
     * Opens a draft model for a drafter. On the simulated backend the "draft model" is the same
     * pseudo-model (a perfect draft) at a tenth of the step cost; otherwise the checkpoint at
     * {@code dir} on this backend.
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public synchronized Backend openDraftModel(Path dir, Clock clock, int blockSize, int numBlocks) {
        BackendProvider p = profile.provider();
        if (config instanceof SimulatedConfig sc) {
            SimulatedConfig draft = ConfigBinder.bind(SimulatedConfig.class, profile.config(), "draft backend");
            draft.withCostModel(sc.costModel().scaled(0.1));
            return p.open(model(), draft, new BackendContext(clock, blockSize, numBlocks, 0, s -> { }));
        }
        LoadedModel draftModel = ModelLoader.load(dir);
        extra.add(draftModel.weights());
        return p.open(draftModel, config, new BackendContext(clock, blockSize, numBlocks, 0, s -> { }));
    }

    @Override
    public synchronized void close() {
        for (AutoCloseable c : extra) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort
            }
        }
        extra.clear();
        if (model != null) {
            model.weights().close();
            model = null;
        }
    }
}
