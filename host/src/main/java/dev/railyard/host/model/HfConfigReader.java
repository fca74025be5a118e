package dev.railyard.host.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a Hugging Face {@code config.json} (transformers 4.x or 5.x dialect) and the optional
 * {@code generation_config.json} into a {@link ModelConfig}.
 *
 * <p>Normalisation: {@code head_dim} absent or null means {@code hidden_size /
 * num_attention_heads}; {@code num_key_value_heads} absent means MHA; the dtype comes from {@code
 * torch_dtype} (4.x) or {@code dtype} (5.x), F32 when neither is there (the loader replaces it by
 * the weights' real dtype); {@code bos_token_id} is taken from the generation config when it has
 * one; the EOS ids are the generation config's followed by the config's that it lacks (each may be
 * an int or a list).
 */
public final class HfConfigReader {

    /** {@code config.json}. */
    public static final String CONFIG = "config.json";
    /** {@code generation_config.json}. */
    public static final String GENERATION_CONFIG = "generation_config.json";

    /**
     * What {@code config.json} says, with whether it declared a dtype.
     *
     * @param model the normalised config
     * @param declaredDType the dtype {@code torch_dtype}/{@code dtype} named, or empty
     */
    record Parsed(ModelConfig model, Optional<DType> declaredDType) {
    }

    private HfConfigReader() {
    }

    /**
     * Reads {@code dir/config.json} and, when present, {@code dir/generation_config.json}.
     *
     * @throws ModelFormatException when config.json is missing (naming its path) or invalid, the
     *     architecture or RoPE type is unsupported, or a required field is missing
     */
    public static ModelConfig read(Path dir) {
        return read(dir, s -> { }).model();
    }

    static Parsed read(Path dir, Consumer<String> progress) {
        Path configFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(configFile)) {
            throw new ModelFormatException("missing " + CONFIG + ": " + configFile + " does not exist"
                    + (Files.isDirectory(dir) ? "" : " (no directory " + dir + ")"));
        }
        JsonNode config = Json.readObject(configFile);
        Path genFile = dir.resolve(GENERATION_CONFIG);
        JsonNode gen = Files.isRegularFile(genFile) ? Json.readObject(genFile) : null;
        return parse(config, gen, configFile.toString(), progress);
    }

    /**
     * Parses the two JSON objects.
     *
     * @param generation the generation config, or null
     * @param where names the config in messages
     */
    static Parsed parse(JsonNode config, JsonNode generation, String where, Consumer<String> progress) {
        Architecture arch = Architecture.require(architectureName(config, where), where);
        checkActivation(config, where);
        int vocab = requiredInt(config, "vocab_size", where);
        int hidden = requiredInt(config, "hidden_size", where);
        int inter = requiredInt(config, "intermediate_size", where);
        int layers = requiredInt(config, "num_hidden_layers", where);
        int heads = requiredInt(config, "num_attention_heads", where);
        int kvHeads = optionalInt(config, "num_key_value_heads", where, heads);
        int headDim;
        if (Json.has(config, "head_dim")) {
            headDim = requiredInt(config, "head_dim", where);
        } else {
            if (heads <= 0 || hidden % heads != 0) {
                throw new ModelFormatException(where + " has no head_dim and hidden_size " + hidden
                        + " is not a multiple of num_attention_heads " + heads);
            }
            headDim = hidden / heads;
        }
        double eps = optionalDouble(config, "rms_norm_eps", where, 1e-6);
        RopeParser.Rope rope = RopeParser.parse(config, where);
        int maxPos = optionalInt(config, "max_position_embeddings", where, 2048);
        boolean tied = optionalBool(config, "tie_word_embeddings", where, false);
        boolean qkvBias;
        boolean oBias;
        boolean mlpBias;
        switch (arch) {
            case LLAMA -> {
                qkvBias = optionalBool(config, "attention_bias", where, false);
                oBias = qkvBias;
                mlpBias = optionalBool(config, "mlp_bias", where, false);
            }
            case QWEN2 -> {
                qkvBias = true;
                oBias = false;
                mlpBias = false;
            }
            default -> {
                qkvBias = false;
                oBias = false;
                mlpBias = false;
            }
        }
        noteSlidingWindow(config, maxPos, progress);
        int bos = generation != null && Json.has(generation, "bos_token_id")
                ? tokenId(generation, "bos_token_id", where)
                : Json.has(config, "bos_token_id") ? tokenId(config, "bos_token_id", where) : -1;
        Set<Integer> eos = new LinkedHashSet<>();
        if (generation != null) {
            eos.addAll(tokenIds(generation, "eos_token_id", GENERATION_CONFIG + " beside " + where));
        }
        eos.addAll(tokenIds(config, "eos_token_id", where));
        Optional<DType> dtype = declaredDType(config, where, progress);
        String modelType = Json.has(config, "model_type") ? config.get("model_type").asText() : arch.modelType();
        ModelConfig model = new ModelConfig(arch.className(), modelType, vocab, hidden, inter, layers, heads, kvHeads,
                headDim, eps, rope.theta(), rope.scaling(), maxPos, tied, qkvBias, oBias, mlpBias, bos,
                List.copyOf(eos), dtype.orElse(DType.F32));
        return new Parsed(model, dtype);
    }

    private static String architectureName(JsonNode config, String where) {
        JsonNode archs = config.get("architectures");
        if (archs != null && archs.isArray() && !archs.isEmpty()) {
            return archs.get(0).asText();
        }
        if (archs != null && archs.isTextual()) {
            return archs.asText();
        }
        if (Json.has(config, "model_type")) {
            return config.get("model_type").asText();
        }
        throw new ModelFormatException(where + " names no architecture (no 'architectures' or 'model_type'); supported: "
                + Architecture.supportedNames());
    }

    private static void checkActivation(JsonNode config, String where) {
        if (Json.has(config, "hidden_act")) {
            String act = config.get("hidden_act").asText();
            if (!act.equals("silu") && !act.equals("swish")) {
                throw new ModelFormatException("unsupported hidden_act '" + act + "' in " + where + "; supported: silu");
            }
        }
    }

    private static void noteSlidingWindow(JsonNode config, int maxPos, Consumer<String> progress) {
        boolean used = !config.has("use_sliding_window") || config.get("use_sliding_window").asBoolean(false);
        if (used && Json.has(config, "sliding_window") && config.get("sliding_window").isIntegralNumber()) {
            int window = config.get("sliding_window").asInt();
            if (window > 0 && window < maxPos) {
                progress.accept("note: sliding_window " + window + " is ignored; attention is over the full context"
                        + " (identical up to " + window + " tokens)");
            }
        }
    }

    private static Optional<DType> declaredDType(JsonNode config, String where, Consumer<String> progress) {
        String field = Json.has(config, "torch_dtype") ? "torch_dtype" : Json.has(config, "dtype") ? "dtype" : null;
        if (field == null) {
            return Optional.empty();
        }
        String value = config.get(field).asText();
        try {
            DType t = DType.parse(value);
            if (t.isFloatingWeightType()) {
                return Optional.of(t);
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        progress.accept("note: " + field + " '" + value + "' in " + where + " is not float32, float16 or bfloat16;"
                + " the weights' own dtype is used");
        return Optional.empty();
    }

    static int requiredInt(JsonNode node, String field, String where) {
        if (!Json.has(node, field)) {
            throw new ModelFormatException(where + " is missing required field '" + field + "'");
        }
        return intValue(node, field, where);
    }

    private static int optionalInt(JsonNode node, String field, String where, int fallback) {
        return Json.has(node, field) ? intValue(node, field, where) : fallback;
    }

    private static int intValue(JsonNode node, String field, String where) {
        JsonNode v = node.get(field);
        if (!v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new ModelFormatException("'" + field + "' in " + where + " must be an integer, was " + v);
        }
        return v.asInt();
    }

    private static double optionalDouble(JsonNode node, String field, String where, double fallback) {
        if (!Json.has(node, field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isNumber()) {
            throw new ModelFormatException("'" + field + "' in " + where + " must be a number, was " + v);
        }
        return v.asDouble();
    }

    private static boolean optionalBool(JsonNode node, String field, String where, boolean fallback) {
        if (!Json.has(node, field)) {
            return fallback;
        }
        JsonNode v = node.get(field);
        if (!v.isBoolean()) {
            throw new ModelFormatException("'" + field + "' in " + where + " must be true or false, was " + v);
        }
        return v.asBoolean();
    }

    private static int tokenId(JsonNode node, String field, String where) {
        List<Integer> ids = tokenIds(node, field, where);
        return ids.isEmpty() ? -1 : ids.get(0);
    }

    private static List<Integer> tokenIds(JsonNode node, String field, String where) {
        List<Integer> ids = new ArrayList<>();
        if (!Json.has(node, field)) {
            return ids;
        }
        JsonNode v = node.get(field);
        if (v.isArray()) {
            for (JsonNode e : v) {
                ids.add(checkedId(e, field, where));
            }
        } else {
            ids.add(checkedId(v, field, where));
        }
        return ids;
    }

    private static int checkedId(JsonNode v, String field, String where) {
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < 0) {
            throw new ModelFormatException("'" + field + "' in " + where
                    + " must be a non-negative integer or a list of them, was " + v);
        }
        return v.asInt();
    }
}
