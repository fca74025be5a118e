package dev.railyard.conformance.testplugins;

import dev.railyard.conformance.backend.BackendProfile;
import dev.railyard.conformance.backend.ModelSource;
import dev.railyard.conformance.sim.SimulatedBackendProvider;
import dev.railyard.conformance.sim.SimulatedConfig;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendInfo;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.backend.Logits;
import dev.railyard.spi.backend.SequenceSlice;
import dev.railyard.spi.backend.StepBatch;
import dev.railyard.spi.model.LoadedModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A broken backend: in a step that mixes slices of different lengths (a prefill chunk next to a
 * decode, say), the first two slices get each other's block tables when the tables are the same
 * length, as if the prefill and the decode kernels were handed each other's tables. Their new K/V
 * land in the other sequence's blocks, and later steps read the wrong context. Alone, every
 * sequence is right. Meant to fail B2.
 */
public final class MixedUpBlockTablesBackend implements Backend {

    private final Backend inner;

    MixedUpBlockTablesBackend(Backend inner) {
        this.inner = inner;
    }

    /** Its profile, compared with the correct simulated backend. */
    public static BackendProfile profile() {
        return new BackendProfile("broken-mixes-block-tables", new Provider(), Map.of(), ModelSource.synthetic(256, 4096), 16,
                BackendProfile.simulated());
    }

    @Override
    public BackendInfo info() {
        return inner.info();
    }

    @Override
    public Logits execute(StepBatch batch) {
        List<SequenceSlice> slices = batch.slices();
        if (slices.size() >= 2 && slices.get(0).length() != slices.get(1).length()
                && slices.get(0).blockTable().length == slices.get(1).blockTable().length) {
            List<SequenceSlice> swapped = new ArrayList<>(slices);
            SequenceSlice a = slices.get(0);
            SequenceSlice b = slices.get(1);
            swapped.set(0, new SequenceSlice(a.sequenceId(), a.offset(), a.length(), a.contextLength(), b.blockTable()));
            swapped.set(1, new SequenceSlice(b.sequenceId(), b.offset(), b.length(), b.contextLength(), a.blockTable()));
            batch = new StepBatch(batch.tokens(), batch.positions(), swapped, batch.logitIndices());
        }
        return inner.execute(batch);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** Its provider (not registered with ServiceLoader). */
    public static final class Provider implements BackendProvider<SimulatedConfig> {
        @Override
        public String name() {
            return "broken-mixes-block-tables";
        }

        @Override
        public String description() {
            return "the simulated backend with a block-table mix-up in batches";
        }

        @Override
        public Class<SimulatedConfig> configType() {
            return SimulatedConfig.class;
        }

        @Override
        public Backend open(LoadedModel model, SimulatedConfig config, BackendContext context) {
            return new MixedUpBlockTablesBackend(new SimulatedBackendProvider().open(model, config, context));
        }
    }
}
