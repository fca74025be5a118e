package dev.railyard.host.model;

import dev.railyard.spi.model.ModelFormatException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Hugging Face architectures Railyard can load: all are Llama-shaped decoders (RMSNorm, RoPE,
 * GQA attention, SwiGLU MLP) that differ only in their biases.
 */
public enum Architecture {
    /** {@code LlamaForCausalLM}: {@code attention_bias} gives q/k/v and o biases, {@code mlp_bias} MLP biases. */
    LLAMA("LlamaForCausalLM", "llama"),
    /** {@code MistralForCausalLM}: no biases. */
    MISTRAL("MistralForCausalLM", "mistral"),
    /** {@code Qwen2ForCausalLM}: q/k/v biases always, no o or MLP biases. */
    QWEN2("Qwen2ForCausalLM", "qwen2");

    private final String className;
    private final String modelType;

    Architecture(String className, String modelType) {
        this.className = className;
        this.modelType = modelType;
    }

    /** The class name in {@code config.json}'s {@code architectures}, e.g. {@code LlamaForCausalLM}. */
    public String className() {
        return className;
    }

    /** The {@code model_type}, e.g. {@code llama}. */
    public String modelType() {
        return modelType;
    }

    /** The supported class names, comma-separated. */
    public static String supportedNames() {
        return Arrays.stream(values()).map(Architecture::className).collect(Collectors.joining(", "));
    }

    /** The architecture with this class name (exact) or model type (case-insensitive), or empty. */
    public static Optional<Architecture> find(String name) {
        for (Architecture a : values()) {
            if (a.className.equals(name) || a.modelType.equals(name.toLowerCase(Locale.ROOT))) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * The architecture with this class name or model type.
     *
     * @param where what declared it (e.g. the config file), named in the message
     * @throws ModelFormatException naming it and listing the supported ones
     */
    public static Architecture require(String name, String where) {
        return find(name).orElseThrow(() -> new ModelFormatException("unsupported architecture '" + name + "' in "
                + where + "; supported: " + supportedNames()));
    }
}
