package dev.railyard.host.model;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * What {@link ModelSynthesizer} writes: the model's config (architecture, sizes, biases, RoPE,
 * tokens, and the weights' dtype in {@link ModelConfig#storedDType()}), the random seed, the
 * {@code config.json} dialect and the shard size. Immutable; derive variants with the {@code
 * with...} methods, starting from a preset:
 *
 * <pre>{@code
 * SynthSpec spec = SynthPresets.byName("tinyllama-1.1b")
 *         .withDType(DType.BF16)
 *         .withSeed(42)
 *         .withDialect(ConfigDialect.TRANSFORMERS_5)
 *         .withShardSize(1L << 30);
 * SynthSpec custom = SynthPresets.byName("tiny").withSizes(1000, 128, 256, 4, 8, 2);
 * SynthSpec qwen = SynthPresets.byName("tiny").withArchitecture("qwen2");
 * }</pre>
 *
 * <p>Loading what the synthesizer wrote gives back exactly {@link #model()}.
 *
 * @param model the model's config; its architecture must be supported and its biases expressible
 *     by that architecture's config.json
 * @param seed the random seed; equal specs give byte-identical files
 * @param dialect how config.json is written
 * @param shardSizeBytes the largest weight file; beyond it the weights are split into {@code
 *     model-0000i-of-0000n.safetensors} with an index (a tensor larger than this gets a file of its
 *     own)
 */
public record SynthSpec(ModelConfig model, long seed, ConfigDialect dialect, long shardSizeBytes) {

    /** The default shard size, 2 GB (2^31 bytes). */
    public static final long DEFAULT_SHARD_SIZE = 1L << 31;

    /** Llama 3.1's RoPE scaling: factor 8, low/high frequency factors 1 and 4, original context 8192. */
    public static final RopeScaling LLAMA3_ROPE = new RopeScaling("llama3", 8.0, 1.0, 4.0, 8192);

    public SynthSpec {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(dialect, "dialect");
        Architecture arch = Architecture.find(model.architecture()).orElseThrow(() -> new IllegalArgumentException(
                "unsupported architecture '" + model.architecture() + "'; supported: " + Architecture.supportedNames()));
        if (shardSizeBytes <= 0) {
            throw new IllegalArgumentException("shard size must be positive, was " + shardSizeBytes);
        }
        if (!model.storedDType().isFloatingWeightType()) {
            throw new IllegalArgumentException("dtype must be float32, float16 or bfloat16, was " + model.storedDType());
        }
        switch (arch) {
            case LLAMA -> {
                if (model.qkvBias() != model.outputProjectionBias()) {
                    throw new IllegalArgumentException(
                            "LlamaForCausalLM's attention_bias gives q/k/v and o_proj biases together");
                }
            }
            case QWEN2 -> {
                if (!model.qkvBias() || model.outputProjectionBias() || model.mlpBias()) {
                    throw new IllegalArgumentException(
                            "Qwen2ForCausalLM has q/k/v biases and no o_proj or MLP biases");
                }
            }
            case MISTRAL -> {
                if (model.qkvBias() || model.outputProjectionBias() || model.mlpBias()) {
                    throw new IllegalArgumentException("MistralForCausalLM has no biases");
                }
            }
        }
        if (!model.ropeScaling().isNone() && !List.of("linear", "llama3").contains(model.ropeScaling().type())) {
            throw new IllegalArgumentException("unsupported RoPE type '" + model.ropeScaling().type()
                    + "'; supported: " + RopeParser.SUPPORTED);
        }
    }

    /** Same, with the weights stored as {@code dtype} (F32, F16 or BF16). */
    public SynthSpec withDType(DType dtype) {
        return withModel(b -> b.storedDType(dtype));
    }

    public SynthSpec withSeed(long newSeed) {
        return new SynthSpec(model, newSeed, dialect, shardSizeBytes);
    }

    public SynthSpec withDialect(ConfigDialect newDialect) {
        return new SynthSpec(model, seed, newDialect, shardSizeBytes);
    }

    /** Same, with weight files of at most {@code bytes} each (see {@link #shardSizeBytes()}). */
    public SynthSpec withShardSize(long bytes) {
        return new SynthSpec(model, seed, dialect, bytes);
    }

    /**
     * Same, as another architecture, with that architecture's default biases (Qwen2: q/k/v biases;
     * Llama and Mistral: none).
     *
     * @param name a class name ({@code Qwen2ForCausalLM}) or model type ({@code qwen2}, {@code llama},
     *     {@code mistral})
     * @throws IllegalArgumentException listing the supported ones
     */
    public SynthSpec withArchitecture(String name) {
        Architecture a = Architecture.find(name).orElseThrow(() -> new IllegalArgumentException(
                "unsupported architecture '" + name + "'; supported: " + Architecture.supportedNames()));
        boolean qwen = a == Architecture.QWEN2;
        return withModel(b -> b.architecture(a).qkvBias(qwen).outputProjectionBias(false).mlpBias(false));
    }

    /** Same, with Llama's {@code attention_bias} (q/k/v and o_proj biases); Llama only. */
    public SynthSpec withAttentionBias(boolean bias) {
        return withModel(b -> b.qkvBias(bias).outputProjectionBias(bias));
    }

    /** Same, with Llama's {@code mlp_bias}; Llama only. */
    public SynthSpec withMlpBias(boolean bias) {
        return withModel(b -> b.mlpBias(bias));
    }

    public SynthSpec withTiedEmbeddings(boolean tied) {
        return withModel(b -> b.tieWordEmbeddings(tied));
    }

    /**
     * Same, with these sizes; {@code head_dim} becomes {@code hidden / heads}.
     *
     * @throws IllegalArgumentException when hidden is not a multiple of heads
     */
    public SynthSpec withSizes(int vocab, int hidden, int intermediate, int layers, int heads, int kvHeads) {
        if (heads <= 0 || hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " must be a multiple of the head count "
                    + heads + " (or set head_dim with withHeadDim)");
        }
        return withModel(b -> b.vocabSize(vocab).hiddenSize(hidden).intermediateSize(intermediate).numLayers(layers)
                .numAttentionHeads(heads).numKeyValueHeads(kvHeads).headDim(hidden / heads));
    }

    public SynthSpec withHeadDim(int headDim) {
        return withModel(b -> b.headDim(headDim));
    }

    /** Same, with {@code n} KV heads (1: MQA; the head count: MHA). */
    public SynthSpec withKeyValueHeads(int n) {
        return withModel(b -> b.numKeyValueHeads(n));
    }

    public SynthSpec withLayers(int n) {
        return withModel(b -> b.numLayers(n));
    }

    public SynthSpec withRopeTheta(double theta) {
        return withModel(b -> b.ropeTheta(theta));
    }

    /** Same, with this RoPE scaling (e.g. {@link #LLAMA3_ROPE}, or {@link RopeScaling#NONE}). */
    public SynthSpec withRopeScaling(RopeScaling scaling) {
        return withModel(b -> b.ropeScaling(scaling));
    }

    public SynthSpec withMaxPositionEmbeddings(int n) {
        return withModel(b -> b.maxPositionEmbeddings(n));
    }

    /** Same, with these BOS ({@code -1}: none) and EOS ids. */
    public SynthSpec withTokens(int bos, List<Integer> eos) {
        return withModel(b -> b.bosTokenId(bos).eosTokenIds(eos));
    }

    /** Same, with any other change to the config. */
    public SynthSpec withModel(UnaryOperator<ModelConfigBuilder> change) {
        return new SynthSpec(change.apply(ModelConfigBuilder.from(model)).build(), seed, dialect, shardSizeBytes);
    }

    /** Bytes of all weight tensors. */
    public long weightBytes() {
        return ModelSynthesizer.tensors(this).stream().mapToLong(SafetensorsWriter.Tensor::byteSize).sum();
    }
}
