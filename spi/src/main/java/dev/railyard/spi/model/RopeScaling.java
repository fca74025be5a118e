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

    /**
     * RoPE inverse frequencies of one head, {@code headDim / 2} of them, computed in float32 the
     * way transformers' {@code ROPE_INIT_FUNCTIONS} compute them ({@code 1 / theta^(2i/headDim)}),
     * then scaled: divided by {@code factor} for {@code linear}; for {@code llama3}, low frequencies
     * divided by {@code factor}, high ones kept, and the band between smoothly interpolated.
     *
     * @throws ModelFormatException for another scaling type or inconsistent llama3 parameters
     */
    public float[] inverseFrequencies(int headDim, double theta) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            inv[i] = 1.0f / (float) StrictMath.pow(theta, (float) (2 * i) / (float) headDim);
        }
        switch (type) {
            case "default" -> { }
            case "linear" -> {
                for (int i = 0; i < half; i++) {
                    inv[i] = (float) (inv[i] / factor);
                }
            }
            case "llama3" -> {
                double old = originalMaxPositionEmbeddings;
                if (!(factor > 0) || !(highFreqFactor > lowFreqFactor) || !(old > 0)) {
                    throw new ModelFormatException("llama3 rope scaling needs factor > 0, high_freq_factor > low_freq_factor and"
                            + " original_max_position_embeddings > 0; got factor " + factor + ", low " + lowFreqFactor + ", high "
                            + highFreqFactor + ", original " + originalMaxPositionEmbeddings);
                }
                double lowWavelen = old / lowFreqFactor;
                double highWavelen = old / highFreqFactor;
                for (int i = 0; i < half; i++) {
                    double f = inv[i];
                    double wavelen = 2 * Math.PI / f;
                    double scaled = wavelen > lowWavelen ? f / factor : f;
                    if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                        double smooth = (old / wavelen - lowFreqFactor) / (highFreqFactor - lowFreqFactor);
                        scaled = (1 - smooth) * scaled / factor + smooth * scaled;
                    }
                    inv[i] = (float) scaled;
                }
            }
            default -> throw new ModelFormatException("rope scaling type '" + type
                    + "' is not supported (supported: default, linear, llama3)");
        }
        return inv;
    }
}
