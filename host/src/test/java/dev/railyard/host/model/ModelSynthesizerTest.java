package dev.railyard.host.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ModelSynthesizerTest {

    @TempDir
    Path tmp;

    private static final SynthSpec TINY = SynthPresets.byName("tiny");

    @Test
    void presetNamesAndUnknownPreset() {
        assertThat(SynthPresets.names()).containsExactly("tiny", "smollm2-135m", "tinyllama-1.1b");
        assertThat(SynthPresets.byName("SmolLM2-135M")).isEqualTo(SynthPresets.byName("smollm2-135m"));
        assertThatThrownBy(() -> SynthPresets.byName("gpt-5")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model preset 'gpt-5'; available: tiny, smollm2-135m, tinyllama-1.1b");
    }

    @Test
    void smollm2PresetHasTheRealSizes() {
        SynthSpec s = SynthPresets.byName("smollm2-135m");
        ModelConfig c = s.model();
        assertThat(c.architecture()).isEqualTo("LlamaForCausalLM");
        assertThat(c.vocabSize()).isEqualTo(49152);
        assertThat(c.hiddenSize()).isEqualTo(576);
        assertThat(c.intermediateSize()).isEqualTo(1536);
        assertThat(c.numLayers()).isEqualTo(30);
        assertThat(c.numAttentionHeads()).isEqualTo(9);
        assertThat(c.numKeyValueHeads()).isEqualTo(3);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.tieWordEmbeddings()).isTrue();
        assertThat(c.ropeTheta()).isEqualTo(100000.0);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(8192);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.parameterCount()).as("SmolLM2-135M's published count").isEqualTo(134_515_008L);
        assertThat(s.shardSizeBytes()).isEqualTo(SynthSpec.DEFAULT_SHARD_SIZE);
        assertThat(ModelSynthesizer.tensors(s)).hasSize(1 + 30 * 9 + 1);
    }

    @Test
    void tinyllamaPresetHasTheRealSizesAndShardsAtTwoGigabytes() {
        SynthSpec s = SynthPresets.byName("tinyllama-1.1b");
        ModelConfig c = s.model();
        assertThat(c.vocabSize()).isEqualTo(32000);
        assertThat(c.hiddenSize()).isEqualTo(2048);
        assertThat(c.intermediateSize()).isEqualTo(5632);
        assertThat(c.numLayers()).isEqualTo(22);
        assertThat(c.numAttentionHeads()).isEqualTo(32);
        assertThat(c.numKeyValueHeads()).isEqualTo(4);
        assertThat(c.headDim()).isEqualTo(64);
        assertThat(c.tieWordEmbeddings()).isFalse();
        assertThat(c.ropeTheta()).isEqualTo(10000.0);
        assertThat(c.maxPositionEmbeddings()).isEqualTo(2048);
        assertThat(c.rmsNormEps()).isEqualTo(1e-5);
        assertThat(c.parameterCount()).as("TinyLlama-1.1B's published count").isEqualTo(1_100_048_384L);
        assertThat(s.withDType(DType.BF16).weightBytes()).isEqualTo(2 * 1_100_048_384L);
        assertThat(ModelSynthesizer.shards(ModelSynthesizer.tensors(s.withDType(DType.BF16)), s.shardSizeBytes()))
                .hasSize(2);
        assertThat(ModelSynthesizer.shards(ModelSynthesizer.tensors(s.withDType(DType.F32)), s.shardSizeBytes()))
                .hasSize(3);
    }

    @Test
    void tinyPresetWritesALoadableModelWithSaneWeights() {
        Path dir = tmp.resolve("tiny");
        List<String> progress = new ArrayList<>();
        ModelSynthesizer.Result r = ModelSynthesizer.write(TINY, dir, progress::add);
        assertThat(r.weightFiles()).containsExactly(dir.resolve("model.safetensors"));
        assertThat(r.tensorCount()).isEqualTo(21);
        assertThat(dir.resolve("config.json")).exists();
        assertThat(dir.resolve("generation_config.json")).exists();
        assertThat(dir.resolve(SafetensorsCheckpoint.INDEX)).doesNotExist();
        assertThat(progress).anySatisfy(s -> assertThat(s).startsWith("[100%] 21/21 lm_head.weight F32 [512, 64]"));
        assertThat(progress).last().asString().startsWith("done: ");

        LoadedModel m = ModelLoader.load(dir);
        try (ModelWeights w = m.weights()) {
            assertThat(m.config()).isEqualTo(TINY.model());
            float[] norm = w.find(LlamaTensorNames.layer(0).inputNorm()).orElseThrow().toFloatArray();
            assertThat(mean(norm)).isCloseTo(1.0, within(0.02));
            assertThat(std(norm)).isBetween(0.005, 0.04);
            float[] q = w.find(LlamaTensorNames.layer(1).qProj()).orElseThrow().toFloatArray();
            assertThat(mean(q)).isCloseTo(0.0, within(0.01));
            assertThat(std(q)).isCloseTo(1 / 8.0, within(0.01));

            // logits of one token through the final norm and the head: neither flat nor one-hot
            float[] embed = w.find(LlamaTensorNames.embed()).orElseThrow().toFloatArray();
            float[] head = w.find(LlamaTensorNames.lmHead()).orElseThrow().toFloatArray();
            double[] h = new double[64];
            double ss = 0;
            for (int i = 0; i < 64; i++) {
                h[i] = embed[5 * 64 + i];
                ss += h[i] * h[i];
            }
            double rms = Math.sqrt(ss / 64);
            float[] logits = new float[512];
            for (int v = 0; v < 512; v++) {
                double dot = 0;
                for (int i = 0; i < 64; i++) {
                    dot += h[i] / rms * head[v * 64 + i];
                }
                logits[v] = (float) dot;
            }
            assertThat(std(logits)).isBetween(0.5, 2.0);
        }
    }

    @Test
    void sameSeedSameBytesOtherSeedOtherBytes() throws IOException {
        ModelSynthesizer.write(TINY.withDType(DType.BF16), tmp.resolve("a"), s -> { });
        ModelSynthesizer.write(TINY.withDType(DType.BF16), tmp.resolve("b"), s -> { });
        ModelSynthesizer.write(TINY.withDType(DType.BF16).withSeed(1), tmp.resolve("c"), s -> { });
        Path a = tmp.resolve("a/model.safetensors");
        assertThat(Files.mismatch(a, tmp.resolve("b/model.safetensors"))).isEqualTo(-1L);
        assertThat(Files.mismatch(a, tmp.resolve("c/model.safetensors"))).isNotEqualTo(-1L);
    }

    @Test
    void shardedModelHasAnIndexAndTheSameTensorsAsAnUnshardedOne() throws IOException {
        Path one = tmp.resolve("one");
        Path many = tmp.resolve("many");
        ModelSynthesizer.write(TINY, one, s -> { });
        ModelSynthesizer.Result r = ModelSynthesizer.write(TINY.withShardSize(100_000), many, s -> { });
        assertThat(r.weightFiles()).hasSizeGreaterThan(3);
        assertThat(r.weightFiles().get(0).getFileName().toString())
                .isEqualTo("model-00001-of-0000" + r.weightFiles().size() + ".safetensors");
        assertThat(Files.readString(many.resolve(SafetensorsCheckpoint.INDEX)))
                .contains("\"total_size\": " + TINY.weightBytes());
        LoadedModel a = ModelLoader.load(one);
        LoadedModel b = ModelLoader.load(many);
        try (ModelWeights wa = a.weights(); ModelWeights wb = b.weights()) {
            assertThat(b.config()).isEqualTo(a.config());
            assertThat(wb.names()).containsExactlyInAnyOrderElementsOf(wa.names());
            for (String n : wa.names()) {
                TensorView ta = wa.find(n).orElseThrow();
                TensorView tb = wb.find(n).orElseThrow();
                assertThat(tb.data().mismatch(ta.data())).as(n).isEqualTo(-1L);
            }
        }
    }

    @Test
    void tensorLargerThanTheShardSizeGetsAFileOfItsOwn() {
        List<SafetensorsWriter.Tensor> t = ModelSynthesizer.tensors(TINY);
        List<List<SafetensorsWriter.Tensor>> shards = ModelSynthesizer.shards(t, 1);
        assertThat(shards).hasSize(t.size()).allSatisfy(s -> assertThat(s).hasSize(1));
        assertThat(ModelSynthesizer.shards(t, Long.MAX_VALUE)).hasSize(1);
    }

    static Stream<Arguments> variants() {
        return Stream.of(
                Arguments.of("qwen2 with q/k/v biases", TINY.withArchitecture("qwen2")),
                Arguments.of("mistral", TINY.withArchitecture("MistralForCausalLM")),
                Arguments.of("tied embeddings", TINY.withTiedEmbeddings(true)),
                Arguments.of("MQA", TINY.withKeyValueHeads(1)),
                Arguments.of("MHA", TINY.withKeyValueHeads(4)),
                Arguments.of("llama3 rope, 4.x", TINY.withRopeScaling(SynthSpec.LLAMA3_ROPE)),
                Arguments.of("llama3 rope, 5.x", TINY.withRopeScaling(SynthSpec.LLAMA3_ROPE)
                        .withDialect(ConfigDialect.TRANSFORMERS_5)),
                Arguments.of("linear rope, 4.x", TINY.withRopeScaling(new RopeScaling("linear", 2.0, 0, 0, 0))),
                Arguments.of("linear rope, 5.x", TINY.withRopeScaling(new RopeScaling("linear", 2.0, 0, 0, 0))
                        .withDialect(ConfigDialect.TRANSFORMERS_5)),
                Arguments.of("5.x dialect", TINY.withDialect(ConfigDialect.TRANSFORMERS_5)),
                Arguments.of("explicit head_dim, 4.x", TINY.withHeadDim(32)),
                Arguments.of("llama biases", TINY.withAttentionBias(true).withMlpBias(true)),
                Arguments.of("float16", TINY.withDType(DType.F16)),
                Arguments.of("bfloat16, sharded", TINY.withDType(DType.BF16).withShardSize(50_000)),
                Arguments.of("several eos, no bos", TINY.withTokens(-1, List.of(2, 7))),
                Arguments.of("explicit sizes", TINY.withSizes(300, 96, 160, 3, 6, 3)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void variantsLoadBackAsTheSameConfig(String name, SynthSpec spec) {
        Path dir = tmp.resolve("v");
        ModelSynthesizer.write(spec, dir, s -> { });
        LoadedModel m = ModelLoader.load(dir);
        try (ModelWeights w = m.weights()) {
            assertThat(m.config()).isEqualTo(spec.model());
            assertThat(w.names()).hasSize(ExpectedTensors.of(spec.model()).size());
            assertThat(w.find(LlamaTensorNames.embed()).orElseThrow().dtype()).isEqualTo(spec.model().storedDType());
        }
    }

    @Test
    void dialectsWriteTheirOwnKeys() throws IOException {
        ModelSynthesizer.write(TINY.withRopeScaling(SynthSpec.LLAMA3_ROPE), tmp.resolve("v4"), s -> { });
        ModelSynthesizer.write(TINY.withDialect(ConfigDialect.TRANSFORMERS_5), tmp.resolve("v5"), s -> { });
        String v4 = Files.readString(tmp.resolve("v4/config.json"));
        String v5 = Files.readString(tmp.resolve("v5/config.json"));
        assertThat(v4).contains("\"torch_dtype\": \"float32\"", "\"rope_theta\": 10000.0", "\"rope_type\": \"llama3\"")
                .doesNotContain("rope_parameters", "head_dim");
        assertThat(v5).contains("\"dtype\": \"float32\"", "\"rope_parameters\"", "\"rope_type\": \"default\"",
                "\"head_dim\": 16").doesNotContain("torch_dtype", "rope_scaling");
    }

    @Test
    void refusesToOverwriteAModel() {
        Path dir = tmp.resolve("m");
        ModelSynthesizer.write(TINY, dir, s -> { });
        assertThatThrownBy(() -> ModelSynthesizer.write(TINY, dir, s -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("already holds a model (config.json, model.safetensors)");
    }

    @Test
    void specsThatTheConfigCannotExpressAreRejected() {
        assertThatThrownBy(() -> TINY.withArchitecture("qwen2").withMlpBias(true))
                .hasMessageContaining("Qwen2ForCausalLM has q/k/v biases and no o_proj or MLP biases");
        assertThatThrownBy(() -> TINY.withArchitecture("mistral").withAttentionBias(true))
                .hasMessageContaining("MistralForCausalLM has no biases");
        assertThatThrownBy(() -> TINY.withArchitecture("gpt2")).hasMessageContaining("unsupported architecture 'gpt2'")
                .hasMessageContaining("LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM");
        assertThatThrownBy(() -> TINY.withRopeScaling(new RopeScaling("yarn", 4, 0, 0, 0)))
                .hasMessageContaining("unsupported RoPE type 'yarn'");
        assertThatThrownBy(() -> TINY.withDType(DType.I8)).hasMessageContaining("float32, float16 or bfloat16");
        assertThatThrownBy(() -> TINY.withShardSize(0)).hasMessageContaining("shard size must be positive");
        assertThatThrownBy(() -> TINY.withSizes(10, 65, 10, 1, 4, 2)).hasMessageContaining("multiple of the head count");
        assertThat(ConfigDialect.parse("5.x")).isEqualTo(ConfigDialect.TRANSFORMERS_5);
        assertThat(ConfigDialect.parse("4")).isEqualTo(ConfigDialect.TRANSFORMERS_4);
        assertThatThrownBy(() -> ConfigDialect.parse("3")).hasMessageContaining("expected 4.x or 5.x");
    }

    @Test
    void randomSourceGivesTheSameValuesWhateverTheRanges() {
        RandomTensorSource s = new RandomTensorSource(42, "w", 0.5f, 2f);
        int n = 3 * RandomTensorSource.BLOCK + 1000;
        float[] whole = new float[n];
        s.fill(0, whole, n);
        float[] piece = new float[70_000];
        for (int start : new int[] {0, 1, RandomTensorSource.BLOCK - 5, 2 * RandomTensorSource.BLOCK + 17}) {
            int count = Math.min(piece.length, n - start);
            s.fill(start, piece, count);
            for (int i = 0; i < count; i++) {
                assertThat(piece[i]).isEqualTo(whole[start + i]);
            }
        }
        assertThat(mean(whole)).isCloseTo(0.5, within(0.05));
        assertThat(std(whole)).isCloseTo(2.0, within(0.05));
        float[] other = new float[10];
        new RandomTensorSource(42, "v", 0.5f, 2f).fill(0, other, 10);
        assertThat(other[0]).isNotEqualTo(whole[0]);
    }

    private static double mean(float[] v) {
        double s = 0;
        for (float x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double std(float[] v) {
        double m = mean(v);
        double s = 0;
        for (float x : v) {
            s += (x - m) * (x - m);
        }
        return Math.sqrt(s / v.length);
    }
}
