package dev.railyard.backend.cpu;

import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.RopeScaling;

/**
 * Rotary position embedding in the "rotate half" layout of Hugging Face transformers: element
 * {@code i} of a head is paired with element {@code i + d/2}. The inverse frequencies (with
 * {@code linear} or {@code llama3} scaling) are computed once; cos/sin of the step's positions are
 * tabulated once per step and shared by all layers. Angles follow transformers: {@code
 * float(inv_freq[i] * position)} in float32, then cos/sin of that angle rounded to float32
 * ({@link StrictMath}, so the table never depends on the JIT).
 */
final class Rope {

    private final int headDim;
    private final int half;
    private final float[] invFreq;

    Rope(int headDim, double theta, RopeScaling scaling) {
        if (headDim % 2 != 0) {
            throw new ModelFormatException("head_dim must be even for RoPE, was " + headDim);
        }
        this.headDim = headDim;
        this.half = headDim / 2;
        this.invFreq = inverseFrequencies(headDim, theta, scaling);
    }

    /** The inverse frequencies, as transformers' {@code ROPE_INIT_FUNCTIONS} compute them. */
    static float[] inverseFrequencies(int headDim, double theta, RopeScaling scaling) {
        int half = headDim / 2;
        float[] inv = new float[half];
        for (int i = 0; i < half; i++) {
            float exponent = (float) (2 * i) / (float) headDim;
            float pow = (float) StrictMath.pow(theta, exponent);
            inv[i] = 1.0f / pow;
        }
        switch (scaling.type()) {
            case "default" -> { }
            case "linear" -> {
                for (int i = 0; i < half; i++) {
                    inv[i] = (float) (inv[i] / scaling.factor());
                }
            }
            case "llama3" -> {
                double factor = scaling.factor();
                double low = scaling.lowFreqFactor();
                double high = scaling.highFreqFactor();
                double old = scaling.originalMaxPositionEmbeddings();
                if (!(factor > 0) || !(high > low) || !(old > 0)) {
                    throw new ModelFormatException("llama3 rope scaling needs factor > 0, high_freq_factor > low_freq_factor and"
                            + " original_max_position_embeddings > 0; got factor " + factor + ", low " + low + ", high " + high
                            + ", original " + old);
                }
                double lowWavelen = old / low;
                double highWavelen = old / high;
                for (int i = 0; i < half; i++) {
                    double f = inv[i];
                    double wavelen = 2 * Math.PI / f;
                    double scaled = wavelen > lowWavelen ? f / factor : f;
                    if (!(wavelen < highWavelen) && !(wavelen > lowWavelen)) {
                        double smooth = (old / wavelen - low) / (high - low);
                        scaled = (1 - smooth) * scaled / factor + smooth * scaled;
                    }
                    inv[i] = (float) scaled;
                }
            }
            default -> throw new ModelFormatException("rope scaling type '" + scaling.type()
                    + "' is not supported by the cpu-reference backend (supported: default, linear, llama3)");
        }
        return inv;
    }

    int half() {
        return half;
    }

    /** Fills {@code cos[t * half + i]} and {@code sin[..]} for each token's position. */
    void table(int[] positions, int tokens, float[] cos, float[] sin) {
        for (int t = 0; t < tokens; t++) {
            float p = positions[t];
            for (int i = 0; i < half; i++) {
                float angle = invFreq[i] * p;
                cos[t * half + i] = (float) StrictMath.cos(angle);
                sin[t * half + i] = (float) StrictMath.sin(angle);
            }
        }
    }

    /** Rotates {@code heads} consecutive heads of {@code v} starting at {@code off}, for token {@code t}. */
    void rotate(float[] v, int off, int heads, float[] cos, float[] sin, int t) {
        int c0 = t * half;
        for (int h = 0; h < heads; h++) {
            int b = off + h * headDim;
            for (int i = 0; i < half; i++) {
                float a = v[b + i];
                float c = v[b + i + half];
                float cs = cos[c0 + i];
                float sn = sin[c0 + i];
                v[b + i] = a * cs - c * sn;
                v[b + i + half] = c * cs + a * sn;
            }
        }
    }
}
