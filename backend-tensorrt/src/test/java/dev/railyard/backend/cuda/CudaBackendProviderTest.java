package dev.railyard.backend.cuda;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.backend.BackendUnavailableException;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What must hold on every machine, GPU or not. */
class CudaBackendProviderTest {

    @Test
    void providerIsListedWithoutNativeCode() {
        // listing constructs the provider; it must not load JavaCPP or CUDA (this machine has neither driver nor runtime)
        List<String> names = ServiceLoader.load(BackendProvider.class).stream().map(p -> p.get().name()).toList();
        assertThat(names).contains("cuda");
        CudaBackendProvider p = new CudaBackendProvider();
        assertThat(p.configType()).isEqualTo(CudaBackendConfig.class);
        assertThat(p.description()).isNotBlank();
    }

    @Test
    void openWithoutAGpuFailsWithOneClearMessage() {
        CudaAvailability.Result r = CudaAvailability.check();
        assumeFalse(r.available(), "this machine has a CUDA device; the no-GPU failure cannot be shown here");
        System.out.println("cuda backend unavailable here, as expected: " + r.reason());
        CudaBackendConfig cfg = new CudaBackendConfig();
        cfg.validate();
        assertThatThrownBy(() -> new CudaBackendProvider().open(tinyModel(), cfg, GpuChecks.context(16, 64)))
                .isInstanceOf(BackendUnavailableException.class)
                .hasMessageStartingWith("no CUDA device: ")
                .hasMessageContaining("not found")
                .satisfies(e -> System.out.println("open: " + e.getMessage()));
    }

    @Test
    void loaderFailuresNameTheMissingLibrary() {
        assertThat(CudaAvailability.explainLoadFailure(new UnsatisfiedLinkError(
                "/tmp/x/libjnicudart.so: libcuda.so.1: cannot open shared object file: No such file or directory")))
                .isEqualTo("no CUDA device: libcuda.so.1 not found (no NVIDIA driver on this machine)");
        assertThat(CudaAvailability.explainLoadFailure(new UnsatisfiedLinkError("libcudart.so.13: cannot open shared object file")))
                .startsWith("no CUDA device: the CUDA 13 runtime libcudart.so.13 was not found");
        assertThat(CudaAvailability.explainLoadFailure(new NoClassDefFoundError("org/bytedeco/cuda/global/cudart")))
                .contains("not on the class path");
    }

    @Test
    void configIsValidated() {
        CudaBackendConfig c = new CudaBackendConfig();
        c.validate();
        assertThat(c.maxTokensPerStep).isEqualTo(8192);
        assertThat(c.maxSequencesPerStep).isEqualTo(256);
        assertThat(c.cudaGraphs).isTrue();
        c.kvMemoryGb = 0;
        assertThatThrownBy(c::validate).isInstanceOf(InvalidConfigException.class).hasMessageContaining("kv-memory-gb");
        CudaBackendConfig d = new CudaBackendConfig();
        d.device = -1;
        assertThatThrownBy(d::validate).isInstanceOf(InvalidConfigException.class).hasMessageContaining("device");
    }

    private static LoadedModel tinyModel() {
        ModelConfig c = new ModelConfig("LlamaForCausalLM", "llama", 16, 8, 16, 1, 2, 1, 4, 1e-5, 10000, RopeScaling.NONE, 64,
                false, false, false, false, 1, List.of(2), DType.F32);
        ModelWeights empty = new ModelWeights() {
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
        };
        return new LoadedModel(Path.of("tiny"), c, empty);
    }
}
