package dev.railyard.spi.model;

/**
 * RoPE frequency scaling as Hugging Face configs describe it ({@code rope_scaling} in
 * transformers 4.x, {@code rope_parameters} in 5.x).
 *
 * @param type {@code "default"} (no scaling), {@code "linear"} or {@code "llama3"}; never null
 * @param factor the scaling factor (1 for {@code default})
 * @param lowFreqFactor {@code llama3} only: {@code low_freq_factor}
 * @param highFreqFactor {@code llama3} only: {@code high_freq_factor}
 * @param originalMaxPositionEmbeddings {@code llama3} only: {@code
 *     original_max_position_embeddings}
 */
public record RopeScaling(String type, double factor, double lowFreqFactor, double highFreqFactor,
                          int originalMaxPositionEmbeddings) {

    /** No scaling. */
    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 0, 0, 0);

    public RopeScaling {
        java.util.Objects.requireNonNull(type, "type");
    }

    /** {@code true} when this is the identity ({@code default}). */
    public boolean isNone() {
        return type.equals("default");
    }
}
