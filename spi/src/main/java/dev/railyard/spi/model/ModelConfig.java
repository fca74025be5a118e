package dev.railyard.spi.model;

import java.util.List;
import java.util.Objects;

/**
 * Hyper-parameters of a decoder-only transformer of the Llama family, normalised from a Hugging
 * Face {@code config.json} (either dialect) by the host.
 *
 * <p>Weight tensors follow Hugging Face names: {@code model.embed_tokens.weight}, {@code
 * model.layers.N.input_layernorm.weight}, {@code model.layers.N.self_attn.{q,k,v,o}_proj.weight}
 * (and {@code .bias} where {@link #qkvBias()} / {@link #outputProjectionBias()}), {@code
 * model.layers.N.post_attention_layernorm.weight}, {@code
 * model.layers.N.mlp.{gate,up,down}_proj.weight}, {@code model.norm.weight} and {@code
 * lm_head.weight} unless {@link #tieWordEmbeddings()}. Linear weights are {@code [out, in]}.
 *
 * @param architecture the Hugging Face class name, e.g. {@code LlamaForCausalLM}; never null
 * @param modelType the {@code model_type}, e.g. {@code llama}, {@code qwen2}; never null
 * @param vocabSize rows of the embedding and of the output head
 * @param hiddenSize model width
 * @param intermediateSize width of the SwiGLU MLP
 * @param numLayers decoder layers
 * @param numAttentionHeads query heads
 * @param numKeyValueHeads key/value heads (equal: MHA; 1: MQA; in between: GQA)
 * @param headDim size of one head (given, or {@code hiddenSize / numAttentionHeads})
 * @param rmsNormEps epsilon of RMSNorm
 * @param ropeTheta RoPE base frequency
 * @param ropeScaling RoPE scaling; {@link RopeScaling#NONE} when absent; never null
 * @param maxPositionEmbeddings the model's context length
 * @param tieWordEmbeddings the output head reuses the embedding matrix
 * @param qkvBias q/k/v projections have a bias (Qwen2; Llama's {@code attention_bias})
 * @param outputProjectionBias o_proj has a bias (Llama's {@code attention_bias})
 * @param mlpBias gate/up/down projections have a bias
 * @param bosTokenId the BOS token id, or -1 when none
 * @param eosTokenIds the EOS token ids (from config and generation config); never null, may be
 *     empty
 * @param storedDType the dtype the checkpoint stores its floating weights in
 */
public record ModelConfig(
        String architecture,
        String modelType,
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numLayers,
        int numAttentionHeads,
        int numKeyValueHeads,
        int headDim,
        double rmsNormEps,
        double ropeTheta,
        RopeScaling ropeScaling,
        int maxPositionEmbeddings,
        boolean tieWordEmbeddings,
        boolean qkvBias,
        boolean outputProjectionBias,
        boolean mlpBias,
        int bosTokenId,
        List<Integer> eosTokenIds,
        DType storedDType) {

    public ModelConfig {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(modelType, "modelType");
        Objects.requireNonNull(ropeScaling, "ropeScaling");
        eosTokenIds = List.copyOf(eosTokenIds);
        Objects.requireNonNull(storedDType, "storedDType");
        positive("vocabSize", vocabSize);
        positive("hiddenSize", hiddenSize);
        positive("intermediateSize", intermediateSize);
        positive("numLayers", numLayers);
        positive("numAttentionHeads", numAttentionHeads);
        positive("numKeyValueHeads", numKeyValueHeads);
        positive("headDim", headDim);
        positive("maxPositionEmbeddings", maxPositionEmbeddings);
        if (numAttentionHeads % numKeyValueHeads != 0) {
            throw new ModelFormatException("num_attention_heads (" + numAttentionHeads
                    + ") must be a multiple of num_key_value_heads (" + numKeyValueHeads + ")");
        }
    }

    private static void positive(String name, int value) {
        if (value <= 0) {
            throw new ModelFormatException(name + " must be positive, was " + value);
        }
    }

    /** Query heads that share one key/value head. */
    public int queriesPerKeyValueHead() {
        return numAttentionHeads / numKeyValueHeads;
    }

    /** Width of the key (and value) projection output: {@code numKeyValueHeads * headDim}. */
    public int keyValueDim() {
        return numKeyValueHeads * headDim;
    }

    /** Width of the query projection output: {@code numAttentionHeads * headDim}. */
    public int queryDim() {
        return numAttentionHeads * headDim;
    }

    /** Approximate parameter count (embedding counted once when tied). */
    public long parameterCount() {
        long attn = (long) hiddenSize * queryDim() * 2 + 2L * hiddenSize * keyValueDim();
        long mlp = 3L * hiddenSize * intermediateSize;
        long perLayer = attn + mlp + 2L * hiddenSize;
        long emb = (long) vocabSize * hiddenSize;
        return perLayer * numLayers + emb * (tieWordEmbeddings ? 1 : 2) + hiddenSize;
    }
}
