package dev.railyard.backend.cpu;

import dev.railyard.spi.model.DType;
import dev.railyard.spi.model.LoadedModel;
import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.RopeScaling;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Builds Llama-family models with random weights in memory, for tests and the benchmark. Matrix
 * entries are uniform in {@code ±scale/sqrt(in)} (so activations keep their size through the
 * layers), norm weights near 1, biases small.
 */
public final class RandomModel {

    public String name = "random";
    public String modelType = "llama";
    public int vocab = 96;
    public int hidden = 64;
    public int intermediate = 96;
    public int layers = 2;
    public int heads = 4;
    public int kvHeads = 2;
    public int headDim = 16;
    public boolean tied = false;
    public boolean qkvBias = false;
    public boolean oBias = false;
    public boolean mlpBias = false;
    public double theta = 10000;
    public RopeScaling rope = RopeScaling.NONE;
    public int maxPositions = 1024;
    public DType dtype = DType.F32;
    public long seed = 42;
    public double scale = 1.0;

    public RandomModel() {
    }

    /** The SmolLM2-135M shape. */
    public static RandomModel smollm2_135m(DType dtype) {
        RandomModel m = new RandomModel();
        m.name = "smollm2-135m-random";
        m.vocab = 49152;
        m.hidden = 576;
        m.intermediate = 1536;
        m.layers = 30;
        m.heads = 9;
        m.kvHeads = 3;
        m.headDim = 64;
        m.tied = true;
        m.theta = 100000;
        m.maxPositions = 8192;
        m.dtype = dtype;
        return m;
    }

    public ModelConfig config() {
        return new ModelConfig(modelType.equals("qwen2") ? "Qwen2ForCausalLM" : "LlamaForCausalLM", modelType, vocab,
                hidden, intermediate, layers, heads, kvHeads, headDim, 1e-5, theta, rope, maxPositions, tied, qkvBias,
                oBias, mlpBias, 1, List.of(2), dtype);
    }

    public LoadedModel build() {
        ModelConfig c = config();
        InMemoryWeights w = new InMemoryWeights();
        SplittableRandom rnd = new SplittableRandom(seed);
        matrix(w, rnd, "model.embed_tokens.weight", vocab, hidden, 1.0);
        int qd = heads * headDim;
        int kvd = kvHeads * headDim;
        for (int l = 0; l < layers; l++) {
            String p = "model.layers." + l + ".";
            norm(w, rnd, p + "input_layernorm.weight", hidden);
            linear(w, rnd, p + "self_attn.q_proj", qd, hidden, qkvBias);
            linear(w, rnd, p + "self_attn.k_proj", kvd, hidden, qkvBias);
            linear(w, rnd, p + "self_attn.v_proj", kvd, hidden, qkvBias);
            linear(w, rnd, p + "self_attn.o_proj", hidden, qd, oBias);
            norm(w, rnd, p + "post_attention_layernorm.weight", hidden);
            linear(w, rnd, p + "mlp.gate_proj", intermediate, hidden, mlpBias);
            linear(w, rnd, p + "mlp.up_proj", intermediate, hidden, mlpBias);
            linear(w, rnd, p + "mlp.down_proj", hidden, intermediate, mlpBias);
        }
        norm(w, rnd, "model.norm.weight", hidden);
        if (!tied) {
            matrix(w, rnd, "lm_head.weight", vocab, hidden, scale / Math.sqrt(hidden));
        }
        return new LoadedModel(Path.of(name), c, w);
    }

    private void linear(InMemoryWeights w, SplittableRandom rnd, String prefix, int out, int in, boolean bias) {
        matrix(w, rnd, prefix + ".weight", out, in, scale / Math.sqrt(in));
        if (bias) {
            fill(w.allocate(prefix + ".bias", dtype, out), rnd, 0.0, 0.1 * scale);
        }
    }

    private void norm(InMemoryWeights w, SplittableRandom rnd, String name, int n) {
        fill(w.allocate(name, dtype, n), rnd, 1.0, 0.2);
    }

    private void matrix(InMemoryWeights w, SplittableRandom rnd, String name, int rows, int cols, double amplitude) {
        fill(w.allocate(name, dtype, rows, cols), rnd, 0.0, amplitude * Math.sqrt(3));
    }

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Uniform in {@code center ± halfWidth}, rounded to the tensor's dtype. */
    private static void fill(TensorView t, SplittableRandom rnd, double center, double halfWidth) {
        MemorySegment seg = t.data();
        long n = t.numElements();
        float[] chunk = new float[1 << 16];
        short[] halfs = new short[1 << 16];
        for (long done = 0; done < n; done += chunk.length) {
            int m = (int) Math.min(chunk.length, n - done);
            for (int i = 0; i < m; i++) {
                chunk[i] = (float) (center + halfWidth * (2 * rnd.nextDouble() - 1));
            }
            switch (t.dtype()) {
                case F32 -> MemorySegment.copy(chunk, 0, seg, F32, done * 4, m);
                case BF16 -> {
                    for (int i = 0; i < m; i++) {
                        int bits = Float.floatToRawIntBits(chunk[i]);
                        bits += 0x7FFF + ((bits >>> 16) & 1); // round to nearest even
                        halfs[i] = (short) (bits >>> 16);
                    }
                    MemorySegment.copy(halfs, 0, seg, I16, done * 2, m);
                }
                case F16 -> {
                    for (int i = 0; i < m; i++) {
                        halfs[i] = Float.floatToFloat16(chunk[i]);
                    }
                    MemorySegment.copy(halfs, 0, seg, I16, done * 2, m);
                }
                default -> throw new IllegalArgumentException("dtype " + t.dtype());
            }
        }
    }
}
