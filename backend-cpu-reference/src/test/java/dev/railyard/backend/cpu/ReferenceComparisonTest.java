package dev.railyard.backend.cpu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.railyard.spi.backend.Backend;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.RopeScaling;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backend against {@link ReferenceTransformer} (float64, written independently, no paging)
 * on small random models covering each architectural variant and weight dtype.
 */
class ReferenceComparisonTest {

    static final double TOLERANCE = 1e-5;

    static Stream<Arguments> variants() {
        List<Arguments> all = new ArrayList<>();
        add(all, "GQA", m -> { });
        add(all, "MHA", m -> m.kvHeads = m.heads);
        add(all, "MQA", m -> m.kvHeads = 1);
        add(all, "MQA, 6 heads per KV head", m -> {
            m.heads = 6;
            m.kvHeads = 1;
            m.hidden = 96;
        });
        add(all, "GQA, head_dim 128", m -> {
            m.heads = 4;
            m.kvHeads = 2;
            m.headDim = 128;
        });
        add(all, "tied head", m -> m.tied = true);
        add(all, "llama3 rope", m -> {
            m.rope = new RopeScaling("llama3", 8, 1, 4, 8192);
            m.theta = 500000;
            m.headDim = 64;
            m.hidden = 128;
            m.maxPositions = 131072;
        });
        add(all, "linear rope", m -> m.rope = new RopeScaling("linear", 4, 0, 0, 0));
        add(all, "qwen2 qkv bias", m -> {
            m.modelType = "qwen2";
            m.qkvBias = true;
        });
        add(all, "attention_bias", m -> {
            m.qkvBias = true;
            m.oBias = true;
        });
        add(all, "mlp_bias", m -> m.mlpBias = true);
        add(all, "odd widths", m -> {
            m.hidden = 72;
            m.intermediate = 100;
            m.vocab = 101;
            m.heads = 3;
            m.kvHeads = 1;
            m.headDim = 24;
        });
        add(all, "bf16", m -> m.dtype = DType.BF16);
        add(all, "f16", m -> m.dtype = DType.F16);
        add(all, "bf16 tied", m -> {
            m.dtype = DType.BF16;
            m.tied = true;
        });
        add(all, "f16 odd widths", m -> {
            m.dtype = DType.F16;
            m.hidden = 40;
            m.intermediate = 56;
            m.headDim = 10;
        });
        return all.stream();
    }

    private static void add(List<Arguments> all, String name, Consumer<RandomModel> tweak) {
        RandomModel m = new RandomModel();
        m.layers = 3;
        tweak.accept(m);
        all.add(Arguments.of(name, m));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void logitsMatchTheFloat64Reference(String name, RandomModel spec) {
        LoadedModel model = spec.build();
        try (Backend backend = TestBackends.open(model, 2, 16, 64)) {
            ReferenceTransformer ref = new ReferenceTransformer(model);
            Random rnd = new Random(7);
            int[] prompt = new int[37];
            for (int i = 0; i < prompt.length; i++) {
                prompt[i] = rnd.nextInt(spec.vocab);
            }
            int decode = 6;
            int[] all = new int[prompt.length + decode];
            System.arraycopy(prompt, 0, all, 0, prompt.length);
            for (int i = prompt.length; i < all.length; i++) {
                all[i] = rnd.nextInt(spec.vocab);
            }
            double[][] expected = ref.forward(all);

            Driver d = Driver.sequential(backend);
            Driver.Seq seq = d.newSequence();
            List<float[]> rows = d.prefillAll(seq, prompt);
            for (int i = prompt.length; i < all.length; i++) {
                rows.add(d.step(List.of(Driver.Chunk.last(seq, all[i]))).get(0));
            }
            double worst = 0;
            for (int p = 0; p < all.length; p++) {
                worst = Math.max(worst, ReferenceTransformer.relativeL2(rows.get(p), expected[p]));
            }
            System.out.printf("%-16s worst relative L2 %.2e%n", name, worst);
            for (int p = 0; p < all.length; p++) {
                assertThat(ReferenceTransformer.relativeL2(rows.get(p), expected[p]))
                        .as("%s: relative L2 error of the logits at position %d", name, p)
                        .isLessThan(TOLERANCE);
            }
        } finally {
            model.weights().close();
        }
    }
}
