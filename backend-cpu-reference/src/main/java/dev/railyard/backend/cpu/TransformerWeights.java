package dev.railyard.backend.cpu;

import dev.railyard.spi.model.ModelConfig;
import dev.railyard.spi.model.ModelFormatException;
import dev.railyard.spi.model.ModelWeights;
import dev.railyard.spi.model.TensorView;
import java.util.ArrayList;
import java.util.List;

/**
 * The model's tensors, checked against the config and grouped per layer. Matrices stay where
 * the host mapped them ({@link Linear}); only the small vectors (norm weights, biases) are
 * copied to float arrays.
 *
 * @param embedding {@code model.embed_tokens.weight} [vocab, hidden]
 * @param layers per-layer weights
 * @param finalNorm {@code model.norm.weight}
 * @param lmHead {@code lm_head.weight}, or the embedding when tied
 */
record TransformerWeights(Linear embedding, List<Layer> layers, float[] finalNorm, Linear lmHead) {

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
    record Layer(float[] inputNorm, Linear q, Linear k, Linear v, Linear o, float[] postNorm,
                 Linear gate, Linear up, Linear down) {
    }

    static TransformerWeights bind(ModelConfig c, ModelWeights w) {
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
                    linear(w, p + "self_attn.q_proj", qd, h, c.qkvBias()),
                    linear(w, p + "self_attn.k_proj", kvd, h, c.qkvBias()),
                    linear(w, p + "self_attn.v_proj", kvd, h, c.qkvBias()),
                    linear(w, p + "self_attn.o_proj", h, qd, c.outputProjectionBias()),
                    vector(w, p + "post_attention_layernorm.weight", h),
                    linear(w, p + "mlp.gate_proj", inter, h, c.mlpBias()),
                    linear(w, p + "mlp.up_proj", inter, h, c.mlpBias()),
                    linear(w, p + "mlp.down_proj", h, inter, c.mlpBias())));
        }
        float[] norm = vector(w, "model.norm.weight", h);
        Linear head;
        if (c.tieWordEmbeddings()) {
            head = embedding;
        } else {
            head = Linear.of(w.require("lm_head.weight", c.vocabSize(), h), null);
        }
        return new TransformerWeights(embedding, List.copyOf(layers), norm, head);
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

    /** Bytes of weights one decode step reads: every layer matrix, the head, one embedding row. */
    long bytesPerToken() {
        long sum = embedding.rowBytes() + lmHead.byteSize();
        for (Layer l : layers) {
            sum += l.q.byteSize() + l.k.byteSize() + l.v.byteSize() + l.o.byteSize()
                    + l.gate.byteSize() + l.up.byteSize() + l.down.byteSize();
        }
        return sum;
    }
}
