package dev.railyard.host.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import java.nio.file.Path;

/**
 * Writes a {@link ModelConfig} as Hugging Face's {@code config.json} and {@code
 * generation_config.json} in either {@link ConfigDialect}, such that {@link HfConfigReader} reads
 * back an equal config.
 */
public final class HfConfigWriter {

    private HfConfigWriter() {
    }

    /** Writes {@code dir/config.json} and {@code dir/generation_config.json}. */
    public static void write(Path dir, ModelConfig c, ConfigDialect dialect) {
        Json.write(dir.resolve(HfConfigReader.CONFIG), configJson(c, dialect));
        Json.write(dir.resolve(HfConfigReader.GENERATION_CONFIG), generationConfigJson(c, dialect));
    }

    /** The content of {@code config.json}. */
    public static ObjectNode configJson(ModelConfig c, ConfigDialect dialect) {
        Architecture arch = Architecture.require(c.architecture(), "model config");
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.putArray("architectures").add(c.architecture());
        if (arch == Architecture.LLAMA) {
            n.put("attention_bias", c.qkvBias());
        }
        n.put("attention_dropout", 0.0);
        putTokenIds(n, c);
        boolean derivedHeadDim = c.hiddenSize() % c.numAttentionHeads() == 0
                && c.hiddenSize() / c.numAttentionHeads() == c.headDim();
        if (dialect == ConfigDialect.TRANSFORMERS_5 || !derivedHeadDim) {
            n.put("head_dim", c.headDim());
        }
        n.put("hidden_act", "silu");
        n.put("hidden_size", c.hiddenSize());
        n.put("initializer_range", 0.02);
        n.put("intermediate_size", c.intermediateSize());
        n.put("max_position_embeddings", c.maxPositionEmbeddings());
        if (arch == Architecture.LLAMA) {
            n.put("mlp_bias", c.mlpBias());
        }
        n.put("model_type", c.modelType());
        n.put("num_attention_heads", c.numAttentionHeads());
        n.put("num_hidden_layers", c.numLayers());
        n.put("num_key_value_heads", c.numKeyValueHeads());
        n.put("rms_norm_eps", c.rmsNormEps());
        if (dialect == ConfigDialect.TRANSFORMERS_4) {
            n.put("rope_theta", c.ropeTheta());
            if (c.ropeScaling().isNone()) {
                n.putNull("rope_scaling");
            } else {
                putScaling(n.putObject("rope_scaling"), c.ropeScaling(), true);
            }
        } else {
            ObjectNode p = n.putObject("rope_parameters");
            p.put("rope_theta", c.ropeTheta());
            putScaling(p, c.ropeScaling(), false);
        }
        if (arch != Architecture.LLAMA) {
            n.putNull("sliding_window");
        }
        n.put("tie_word_embeddings", c.tieWordEmbeddings());
        n.put(dialect == ConfigDialect.TRANSFORMERS_4 ? "torch_dtype" : "dtype", dtypeName(c.storedDType()));
        n.put("transformers_version", dialect.transformersVersion());
        n.put("use_cache", true);
        n.put("vocab_size", c.vocabSize());
        return n;
    }

    /** The content of {@code generation_config.json}: BOS and EOS ids. */
    public static ObjectNode generationConfigJson(ModelConfig c, ConfigDialect dialect) {
        ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("_from_model_config", true);
        putTokenIds(n, c);
        n.put("transformers_version", dialect.transformersVersion());
        return n;
    }

    /** {@code float32}, {@code float16} or {@code bfloat16}. */
    static String dtypeName(DType t) {
        return switch (t) {
            case F32 -> "float32";
            case F16 -> "float16";
            case BF16 -> "bfloat16";
            default -> throw new IllegalArgumentException("not a weight dtype: " + t);
        };
    }

    private static void putTokenIds(ObjectNode n, ModelConfig c) {
        if (c.bosTokenId() >= 0) {
            n.put("bos_token_id", c.bosTokenId());
        } else {
            n.putNull("bos_token_id");
        }
        if (c.eosTokenIds().isEmpty()) {
            n.putNull("eos_token_id");
        } else if (c.eosTokenIds().size() == 1) {
            n.put("eos_token_id", c.eosTokenIds().get(0));
        } else {
            c.eosTokenIds().forEach(n.putArray("eos_token_id")::add);
        }
    }

    /** Like the real checkpoints: 4.x linear scaling uses the old key {@code type}, the rest {@code rope_type}. */
    private static void putScaling(ObjectNode n, RopeScaling s, boolean legacy) {
        switch (s.type()) {
            case "default" -> n.put("rope_type", "default");
            case "linear" -> {
                n.put("factor", s.factor());
                n.put(legacy ? "type" : "rope_type", "linear");
            }
            case "llama3" -> {
                n.put("factor", s.factor());
                n.put("high_freq_factor", s.highFreqFactor());
                n.put("low_freq_factor", s.lowFreqFactor());
                n.put("original_max_position_embeddings", s.originalMaxPositionEmbeddings());
                n.put("rope_type", "llama3");
            }
            default -> throw new IllegalArgumentException("cannot write RoPE type " + s.type());
        }
    }
}
