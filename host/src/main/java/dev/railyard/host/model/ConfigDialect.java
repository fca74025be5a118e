package dev.railyard.host.model;

import java.util.Locale;

/** The two ways Hugging Face transformers writes {@code config.json}. */
public enum ConfigDialect {
    /**
     * transformers 4.x: {@code torch_dtype}, top-level {@code rope_theta} and {@code rope_scaling}
     * (null when unscaled); {@code head_dim} only when it is not {@code hidden_size /
     * num_attention_heads}.
     */
    TRANSFORMERS_4("4.46.0"),
    /** transformers 5.x: {@code dtype}, {@code rope_parameters}, always {@code head_dim}. */
    TRANSFORMERS_5("5.0.0");

    private final String version;

    ConfigDialect(String version) {
        this.version = version;
    }

    /** The {@code transformers_version} written into the configs. */
    public String transformersVersion() {
        return version;
    }

    /**
     * Parses {@code 4}, {@code 4.x}, {@code v4}, {@code transformers-4} (and the same for 5), or
     * the constant's name.
     *
     * @throws IllegalArgumentException naming the value and the accepted ones
     */
    public static ConfigDialect parse(String s) {
        String n = s.trim().toLowerCase(Locale.ROOT).replace("transformers", "").replace("-", "").replace("_", "");
        return switch (n) {
            case "4", "4.x", "v4" -> TRANSFORMERS_4;
            case "5", "5.x", "v5" -> TRANSFORMERS_5;
            default -> throw new IllegalArgumentException("unknown config dialect '" + s + "'; expected 4.x or 5.x");
        };
    }
}
