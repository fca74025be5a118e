package dev.railyard.backend.cpu;

import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.TensorView;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * The model's tensors, checked against the config and grouped per layer. The matrices are
 * repacked once for the GEMM kernels ({@link PackedLinear}, in the arena given to {@link #bind});
 * the embedding table is read in place (one row per token), and the small vectors (norm weights,
 * biases) are copied to float arrays. Pages of a memory-mapped file that packing read are given
 * back to the OS afterwards ({@link MemorySegment#unload}), so what stays resident is the packed
 * copy, not both.
 *
 * @param embedding {@code model.embed_tokens.weight} [vocab, hidden], where the host put it
 * @param layers per-layer weights
 * @param finalNorm {@code model.norm.weight}
 * @param lmHead {@code lm_head.weight}, or the embedding when tied
 */
record TransformerWeights(Linear embedding, List<Layer> layers, float[] finalNorm, PackedLinear lmHead) {

    /**
     * One decoder layer.
     *
     * @param inputNorm RMSNorm weight before attention
     * @param q query projection [heads * headDim, hidden]
     * @param k key projection [kvHeads * headDim, hidden]
     * @param v value projection [kvHeads * headDim, hidden]
     * @param o output projection [hidden, heads * headDim]
     * @param postNorm RMSNorm weight before the MLP
     * @param gate SwiGLU gate [intermediate, hidden]
     * @param up SwiGLU up [intermediate, hidden]
     * @param down SwiGLU down [hidden, intermediate]
     */
    record Layer(float[] inputNorm, PackedLinear q, PackedLinear k, PackedLinear v, PackedLinear o, float[] postNorm,
                 PackedLinear gate, PackedLinear up, PackedLinear down) {
    }

    /** Checks and binds the tensors of {@code w}, packing the matrices into {@code arena}; reports each quarter of the layers. */
    static TransformerWeights bind(ModelConfig c, ModelWeights w, Arena arena, Consumer<String> progress) {
        long h = c.hiddenSize();
        long qd = c.queryDim();
        long kvd = c.keyValueDim();
        long inter = c.intermediateSize();
        Linear embedding = Linear.of(w.require("model.embed_tokens.weight", c.vocabSize(), h), null);
        List<Layer> layers = new ArrayList<>(c.numLayers());
        for (int i = 0; i < c.numLayers(); i++) {
            String p = "model.layers." + i + ".";
            layers.add(new Layer(
                    vector(w, p + "input_layernorm.weight", h),
                    packed(linear(w, p + "self_attn.q_proj", qd, h, c.qkvBias()), arena),
                    packed(linear(w, p + "self_attn.k_proj", kvd, h, c.qkvBias()), arena),
                    packed(linear(w, p + "self_attn.v_proj", kvd, h, c.qkvBias()), arena),
                    packed(linear(w, p + "self_attn.o_proj", h, qd, c.outputProjectionBias()), arena),
                    vector(w, p + "post_attention_layernorm.weight", h),
                    packed(linear(w, p + "mlp.gate_proj", inter, h, c.mlpBias()), arena),
                    packed(linear(w, p + "mlp.up_proj", inter, h, c.mlpBias()), arena),
                    packed(linear(w, p + "mlp.down_proj", h, inter, c.mlpBias()), arena)));
            int quarter = Math.max(1, c.numLayers() / 4);
            if ((i + 1) % quarter == 0 && i + 1 < c.numLayers()) {
                progress.accept("  packed " + (i + 1) + " of " + c.numLayers() + " layers");
            }
        }
        float[] norm = vector(w, "model.norm.weight", h);
        Linear head = c.tieWordEmbeddings() ? embedding : Linear.of(w.require("lm_head.weight", c.vocabSize(), h), null);
        return new TransformerWeights(embedding, List.copyOf(layers), norm, packed(head, arena));
    }

    private static PackedLinear packed(Linear l, Arena arena) {
        PackedLinear p = PackedLinear.pack(l, arena);
        if (l.data().isMapped()) {
            l.data().unload();
        }
        return p;
    }

    private static Linear linear(ModelWeights w, String prefix, long out, long in, boolean bias) {
        TensorView weight = w.require(prefix + ".weight", out, in);
        TensorView b = bias ? w.require(prefix + ".bias", out) : null;
        return Linear.of(weight, b);
    }

    private static float[] vector(ModelWeights w, String name, long n) {
        TensorView t = w.require(name, n);
        if (!t.dtype().isFloatingWeightType()) {
            throw new ModelFormatException("tensor " + name + " has dtype " + t.dtype() + ", expected F32, F16 or BF16");
        }
        return t.toFloatArray();
    }

    /** Bytes of weights one decode step reads: every packed matrix and one embedding row. */
    long bytesPerToken() {
        return embedding.rowBytes() + packedBytes();
    }

    /** Bytes of the packed matrices (the head included). */
    long packedBytes() {
        long sum = lmHead.byteSize();
        for (Layer l : layers) {
            sum += l.q.byteSize() + l.k.byteSize() + l.v.byteSize() + l.o.byteSize()
                    + l.gate.byteSize() + l.up.byteSize() + l.down.byteSize();
        }
        return sum;
    }
}
