package dev.railyard.conformance.sim;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A model with hyper-parameters and no weights, for backends that ignore the model (the {@code
 * simulated} backend) and for tests that need a {@link LoadedModel} to pass around.
 */
public final class SyntheticModel {

    private SyntheticModel() {
    }

    /** A weightless model with this vocabulary and context length and no EOS token. */
    public static LoadedModel of(int vocab, int maxContext) {
        ModelConfig c = new ModelConfig("SimulatedForCausalLM", "simulated", vocab, 8, 8, 1, 1, 1, 8, 1e-5, 10000,
                RopeScaling.NONE, maxContext, false, false, false, false, -1, List.of(), DType.F32);
        return new LoadedModel(Path.of("simulated"), c, new NoWeights());
    }

    /** No tensors at all. */
    private static final class NoWeights implements ModelWeights {
        @Override
        public Set<String> names() {
            return Set.of();
        }

        @Override
        public Optional<TensorView> find(String name) {
            return Optional.empty();
        }

        @Override
        public void close() {
        }
    }
}
