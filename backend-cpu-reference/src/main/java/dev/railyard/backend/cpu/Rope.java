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
        return scaling.inverseFrequencies(headDim, theta);
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
