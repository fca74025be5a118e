package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelWeights;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes and loads the full tinyllama-1.1b preset in bf16 (2.2 GB, two shards). About 10 s on two
 * cores; tagged {@code slow}, which the default build excludes.
 */
@Tag("slow")
class SynthesizeRealSizeTest {

    @TempDir
    Path tmp;

    @Test
    void tinyllamaInBf16WritesInUnderAMinuteAndLoads() {
        SynthSpec spec = SynthPresets.byName("tinyllama-1.1b").withDType(DType.BF16);
        long start = System.nanoTime();
        ModelSynthesizer.Result r = ModelSynthesizer.write(spec, tmp.resolve("tl"), s -> { });
        double seconds = (System.nanoTime() - start) / 1e9;
        assertThat(seconds).isLessThan(60);
        assertThat(r.weightFiles()).hasSize(2);
        assertThat(r.weightBytes()).isEqualTo(2 * 1_100_048_384L);
        LoadedModel m = ModelLoader.load(tmp.resolve("tl"));
        try (ModelWeights w = m.weights()) {
            assertThat(m.config()).isEqualTo(spec.model());
            assertThat(w.totalBytes()).isEqualTo(r.weightBytes());
            float last = w.find(LlamaTensorNames.lmHead()).orElseThrow().getFloat(32000L * 2048 - 1);
            assertThat(Math.abs(last)).isLessThan(1f);
        }
    }
}
