package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.railyard.spi.Clock;
import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.backend.BackendCapability;
import dev.railyard.spi.backend.BackendContext;
import dev.railyard.spi.backend.BackendProvider;
import dev.railyard.spi.config.InvalidConfigException;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class ProviderAndConfigTest {

    @Test
    void providerIsFoundByServiceLoader() {
        List<String> names = new ArrayList<>();
        for (BackendProvider<?> p : ServiceLoader.load(BackendProvider.class)) {
            names.add(p.name());
        }
        assertThat(names).contains("cpu-reference");
        CpuReferenceBackendProvider p = new CpuReferenceBackendProvider();
        assertThat(p.configType()).isEqualTo(CpuBackendConfig.class);
        assertThat(p.description()).isNotBlank();
    }

    @Test
    void defaultsAreValid() {
        CpuBackendConfig c = new CpuBackendConfig();
        c.validate();
        assertThat(c.threads).isEqualTo(Runtime.getRuntime().availableProcessors());
        assertThat(c.maxTokensPerStep).isEqualTo(4096);
        assertThat(c.maxSequencesPerStep).isEqualTo(256);
        assertThat(c.kvMemoryMb).isEqualTo(512);
        assertThat(c.kvCacheDtype).isEqualTo("float32");
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        check(c -> c.threads = 0, "threads must be between 1 and 1024, was 0");
        check(c -> c.kvCacheDtype = "float16", "kv-cache-dtype must be float32 or bfloat16");
        check(c -> c.maxTokensPerStep = 0, "max-tokens-per-step must be between 1 and 1048576, was 0");
        check(c -> c.maxSequencesPerStep = 0, "max-sequences-per-step must be at least 1, was 0");
        check(c -> {
            c.maxTokensPerStep = 8;
            c.maxSequencesPerStep = 9;
        }, "max-sequences-per-step (9) must not exceed max-tokens-per-step (8)");
        check(c -> c.kvMemoryMb = 0, "kv-memory-mb must be between 1 and 16777216, was 0");
    }

    private static void check(Consumer<CpuBackendConfig> tweak, String message) {
        CpuBackendConfig c = new CpuBackendConfig();
        tweak.accept(c);
        assertThatThrownBy(c::validate).isInstanceOf(InvalidConfigException.class).hasMessageContaining(message);
    }

    @Test
    void infoDeclaresTheContract() {
        RandomModel m = new RandomModel();
        LoadedModel model = m.build();
        List<String> progress = new ArrayList<>();
        CpuBackendConfig cfg = new CpuBackendConfig();
        cfg.threads = 2;
        cfg.kvMemoryMb = 1;
        try (Backend b = new CpuReferenceBackendProvider().open(model, cfg,
                new BackendContext(Clock.system(), 16, 0, 0, progress::add))) {
            var info = b.info();
            assertThat(info.name()).isEqualTo("cpu-reference");
            assertThat(info.computeDType()).isEqualTo("float32");
            assertThat(info.device()).startsWith("cpu (2 threads");
            assertThat(info.capabilities()).containsExactlyInAnyOrder(BackendCapability.BATCH_INVARIANT,
                    BackendCapability.CHUNKED_PREFILL, BackendCapability.MULTI_POSITION_LOGITS);
            assertThat(info.logitsTolerance()).isZero();
            assertThat(info.vocabSize()).isEqualTo(m.vocab);
            assertThat(info.maxTokensPerStep()).isEqualTo(4096);
            // 1 MiB of pool: 2 layers x 2 x 16 positions x 32 floats x 4 bytes = 8 KiB per block
            assertThat(info.numBlocks()).isEqualTo(128);
            assertThat(info.maxContextLength()).isEqualTo(Math.min(m.maxPositions, 128 * 16));
            assertThat(progress).isNotEmpty();
        } finally {
            model.weights().close();
        }
    }

    @Test
    void kvPoolIsCappedByWhatTheContextNeeds() {
        RandomModel m = new RandomModel();
        m.maxPositions = 64;
        LoadedModel model = m.build();
        CpuBackendConfig cfg = new CpuBackendConfig();
        cfg.maxSequencesPerStep = 3;
        try (Backend b = new CpuReferenceBackendProvider().open(model, cfg,
                new BackendContext(Clock.system(), 16, 0, 0, s -> { }))) {
            assertThat(b.info().numBlocks()).isEqualTo(3 * 4);
        } finally {
            model.weights().close();
        }
    }

    @Test
    void unsupportedModelIsRefused() {
        RandomModel m = new RandomModel();
        m.modelType = "gemma";
        LoadedModel model = m.build();
        try {
            assertThatThrownBy(() -> TestBackends.open(model)).isInstanceOf(ModelFormatException.class)
                    .hasMessageContaining("gemma").hasMessageContaining("llama");
        } finally {
            model.weights().close();
        }
    }
}
