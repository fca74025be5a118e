package dev.railyard.host.model;

/**
 * Hugging Face tensor names of the Llama family (Llama, Mistral, Qwen2), as documented on {@link
 * dev.railyard.spi.model.ModelConfig}. Backends cannot depend on the host; they may copy this
 * convention.
 *
 * <pre>{@code
 * LlamaTensorNames.embed();              // model.embed_tokens.weight
 * LlamaTensorNames.layer(3).qProj();     // model.layers.3.self_attn.q_proj.weight
 * LlamaTensorNames.layer(3).qBias();     // model.layers.3.self_attn.q_proj.bias
 * LlamaTensorNames.finalNorm();          // model.norm.weight
 * LlamaTensorNames.lmHead();             // lm_head.weight
 * }</pre>
 */
public final class LlamaTensorNames {

    private LlamaTensorNames() {
    }

    /** {@code model.embed_tokens.weight}, shape {@code [vocab, hidden]}. */
    public static String embed() {
        return "model.embed_tokens.weight";
    }

    /** {@code model.norm.weight}, the final RMSNorm, shape {@code [hidden]}. */
    public static String finalNorm() {
        return "model.norm.weight";
    }

    /** {@code lm_head.weight}, shape {@code [vocab, hidden]}; absent when embeddings are tied. */
    public static String lmHead() {
        return "lm_head.weight";
    }

    /** Names of decoder layer {@code index} (0-based). */
    public static Layer layer(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("layer index must be >= 0, was " + index);
        }
        return new Layer(index);
    }

    /**
     * Tensor names of one decoder layer.
     *
     * @param index the 0-based layer index
     */
    public record Layer(int index) {

        /** {@code model.layers.N.}, the prefix of every tensor of this layer. */
        public String prefix() {
            return "model.layers." + index + ".";
        }

        /** RMSNorm before attention, {@code [hidden]}. */
        public String inputNorm() {
            return prefix() + "input_layernorm.weight";
        }

        /** {@code [heads * head_dim, hidden]}. */
        public String qProj() {
            return attn("q_proj", "weight");
        }

        /** {@code [kv_heads * head_dim, hidden]}. */
        public String kProj() {
            return attn("k_proj", "weight");
        }

        /** {@code [kv_heads * head_dim, hidden]}. */
        public String vProj() {
            return attn("v_proj", "weight");
        }

        /** {@code [hidden, heads * head_dim]}. */
        public String oProj() {
            return attn("o_proj", "weight");
        }

        /** {@code [heads * head_dim]}, when the config has q/k/v biases. */
        public String qBias() {
            return attn("q_proj", "bias");
        }

        /** {@code [kv_heads * head_dim]}, when the config has q/k/v biases. */
        public String kBias() {
            return attn("k_proj", "bias");
        }

        /** {@code [kv_heads * head_dim]}, when the config has q/k/v biases. */
        public String vBias() {
            return attn("v_proj", "bias");
        }

        /** {@code [hidden]}, when the config has an output projection bias. */
        public String oBias() {
            return attn("o_proj", "bias");
        }

        /** RMSNorm before the MLP, {@code [hidden]}. */
        public String postAttentionNorm() {
            return prefix() + "post_attention_layernorm.weight";
        }

        /** {@code [intermediate, hidden]}. */
        public String gateProj() {
            return mlp("gate_proj", "weight");
        }

        /** {@code [intermediate, hidden]}. */
        public String upProj() {
            return mlp("up_proj", "weight");
        }

        /** {@code [hidden, intermediate]}. */
        public String downProj() {
            return mlp("down_proj", "weight");
        }

        /** {@code [intermediate]}, when the config has MLP biases. */
        public String gateBias() {
            return mlp("gate_proj", "bias");
        }

        /** {@code [intermediate]}, when the config has MLP biases. */
        public String upBias() {
            return mlp("up_proj", "bias");
        }

        /** {@code [hidden]}, when the config has MLP biases. */
        public String downBias() {
            return mlp("down_proj", "bias");
        }

        private String attn(String proj, String kind) {
            return prefix() + "self_attn." + proj + "." + kind;
        }

        private String mlp(String proj, String kind) {
            return prefix() + "mlp." + proj + "." + kind;
        }
    }
}
